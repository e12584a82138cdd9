# The shop most man pages' examples take for granted, for the DOC.setup
# files to source: shop [zhang] makes a database of 60 customers and two
# products.  Customer 12 is 张三丰 in 北京, zhang@example.com when the
# argument is "zhang" (crm-customer(1) adds that one itself); 57 and 58
# are the same man again (crm-customer dupes finds them); 20 to 22 have
# addresses at acme.com; 30 to 39 are companies in 上海.  TEA-1 (12.50)
# and CUP-1 (2.50) have 500 each in stock.
shop() {
	local i email
	crm-admin -q init
	{
		echo 'name,email,phone,city,kind'
		for i in $(seq 1 60); do
			case $i in
			12)	[ "${1:-}" = zhang ] && email=zhang@example.com ||
					email=
				echo "张三丰,$email,13800138000,北京,person" ;;
			57|58)	echo "张三丰,,13800138000,北京,person" ;;
			2[0-2])	echo "Acme $i,buyer$i@acme.com,,广州,person" ;;
			3[0-9])	echo "上海公司$i,info$i@sh.example.com,,上海,company" ;;
			*)	echo "客户$i,c$i@example.com,,杭州,person" ;;
			esac
		done
	} > shop-customers-setup.csv
	crm-import customers -q --mode insert shop-customers-setup.csv
	crm-product add --sku TEA-1 --name 龙井茶 --price 12.50 --stock 500 >/dev/null
	crm-product add --sku CUP-1 --name 茶杯 --price 2.50 --stock 500 >/dev/null
	rm shop-customers-setup.csv
}
