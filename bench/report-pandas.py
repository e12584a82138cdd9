#!/usr/bin/env python3
"""bench/report-pandas.py - the reports as a pandas script computes them.

usage: report-pandas.py customers|sales CUSTOMERS.csv PRODUCTS.csv ORDERS.csv

The usual way without crm: read the generator's CSV files (gen-customers,
gen-orders), merge the order lines with the products (a line without a
price of its own has the product's) and the customers (by email, as crm
stores it: trimmed, lowercased), leave out cancelled orders, and group:
by customer (orders, total, avg_order, first_order, last_order, by total
descending) or by month (orders, units, revenue, avg_order).  Money is
added up in cents.  The rows go to stdout as tab-separated text.  A
customer is numbered by its row in CUSTOMERS.csv, where crm numbers
those it accepted: this is for scale, not for comparing figures.
"""
import sys

import pandas as pd


def order_lines(products_csv, orders_csv):
    lines = pd.read_csv(orders_csv, dtype=str, keep_default_na=False)
    products = pd.read_csv(products_csv, usecols=["sku", "price"],
                           dtype=str, keep_default_na=False)
    lines = lines.merge(products, on="sku", how="left")
    lines = lines[lines["status"] != "cancelled"]
    price = lines["unit_price"].where(lines["unit_price"] != "",
                                      lines["price"])
    lines = lines.assign(
        quantity=lines["quantity"].astype("int64"),
        cents=(price.astype(float) * 100).round().astype("int64"),
        ordered_at=pd.to_datetime(lines["ordered_at"], utc=True))
    return lines.assign(amount=lines["quantity"] * lines["cents"])


def money(cents):
    return cents.map(lambda c: "%d.%02d" % divmod(int(c), 100))


def mean(cents, n):
    return money((2 * cents + n) // (2 * n))


def customers(customers_csv, lines):
    people = pd.read_csv(customers_csv, usecols=["name", "email"],
                         dtype=str, keep_default_na=False)
    people["id"] = range(1, len(people) + 1)
    people["email"] = people["email"].str.strip().str.lower()
    people = people[people["email"] != ""].drop_duplicates("email")
    lines = lines.assign(email=lines["customer"].str.strip().str.lower())
    lines = lines.merge(people, on="email", how="inner")
    orders = lines.groupby(["id", "order_ref"]).agg(
        amount=("amount", "sum"), at=("ordered_at", "first"))
    per = orders.groupby("id").agg(
        orders=("amount", "size"), total=("amount", "sum"),
        first=("at", "min"), last=("at", "max"))
    per = per.join(people.set_index("id")[["name", "email"]])
    per = per.sort_values(["total"], ascending=False, kind="stable")
    return pd.DataFrame({
        "name": per["name"], "email": per["email"],
        "orders": per["orders"], "total": money(per["total"]),
        "avg_order": mean(per["total"], per["orders"]),
        "first_order": per["first"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "last_order": per["last"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")})


def sales(lines):
    orders = lines.groupby("order_ref").agg(
        amount=("amount", "sum"), units=("quantity", "sum"),
        at=("ordered_at", "first"))
    orders["month"] = orders["at"].dt.strftime("%Y-%m")
    per = orders.groupby("month").agg(
        orders=("amount", "size"), units=("units", "sum"),
        revenue=("amount", "sum"))
    return pd.DataFrame({
        "orders": per["orders"], "units": per["units"],
        "revenue": money(per["revenue"]),
        "avg_order": mean(per["revenue"], per["orders"])})


def main(argv):
    if len(argv) != 5 or argv[1] not in ("customers", "sales"):
        sys.stderr.write("usage: report-pandas.py customers|sales "
                         "CUSTOMERS.csv PRODUCTS.csv ORDERS.csv\n")
        return 64
    lines = order_lines(argv[3], argv[4])
    if argv[1] == "customers":
        out = customers(argv[2], lines)
    else:
        out = sales(lines)
    out.to_csv(sys.stdout, sep="\t")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
