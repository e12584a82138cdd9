#!/usr/bin/env bats
# crm-customer search: customers whose name, email, phone or city holds
# TEXT (--help); no match exits 1 (SPEC 3.7).

load helper

setup() {
	common_setup
	init_db
	crm-customer add --name '张伟明' --email zhang.weiming@example.cn --phone '+86 138 0013 8000' --city 北京 >/dev/null
	crm-customer add --name '王芳' --city 上海市 >/dev/null
	crm-customer add --name 'Ada Lovelace' --email ada@example.com --phone '020 7946 0958' --city London >/dev/null
	crm-customer add --name '张三' --address '伟明路 1 号' >/dev/null
}

# search for TEXT, ids only, on one line
ids() {
	crm-customer search -H -o id "$@" | tr '\n' ' '
}

@test "search finds Chinese substrings of one character" {
	run crm-customer search -H -o id,name 伟
	assert_success
	assert_output "1	张伟明"
	assert_equal "$(ids 张)" "1 4 "
	assert_equal "$(ids 明)" "1 "
	assert_equal "$(ids 芳)" "2 "
}

@test "search finds Chinese substrings of two characters" {
	assert_equal "$(ids 张伟)" "1 "
	assert_equal "$(ids 伟明)" "1 "
	assert_equal "$(ids 王芳)" "2 "
	assert_equal "$(ids 海市)" "2 "
}

@test "search finds Chinese substrings of three characters" {
	assert_equal "$(ids 张伟明)" "1 "
	assert_equal "$(ids 上海市)" "2 "
}

@test "search finds a city" {
	run crm-customer search -H -o id,city 北京
	assert_success
	assert_output "1	北京"
	assert_equal "$(ids london)" "3 "
}

@test "search finds a substring of an email" {
	assert_equal "$(ids weiming@exam)" "1 "
	assert_equal "$(ids example)" "1 3 "
	assert_equal "$(ids ada@example.com)" "3 "
}

@test "search finds the digits of a phone" {
	assert_equal "$(ids 13800138000)" "1 "
	assert_equal "$(ids 0013)" "1 "
	assert_equal "$(ids 79460958)" "3 "
	assert_equal "$(ids 7946 0958)" "3 "
}

@test "search ignores case and full width" {
	assert_equal "$(ids LOVELACE)" "3 "
	assert_equal "$(ids Ｌｏｖｅ)" "3 "
}

@test "several words must all be found" {
	assert_equal "$(ids ada london)" "3 "
	run --separate-stderr crm-customer search -H ada 北京
	assert_failure 1
	assert_output ''
}

@test "search looks at name, email, phone and city only" {
	# 张三's address holds 伟明; only 张伟明 has it in the name.
	assert_equal "$(ids 伟明路)" ""
	assert_equal "$(ids 伟明)" "1 "
}

@test "search with no match exits 1 and prints at most the header" {
	run --separate-stderr crm-customer search -o id,name 李
	assert_failure 1
	assert_output "$(printf 'id\tname')"
	assert_stderr ''
	run --separate-stderr crm-customer search -H 李
	assert_failure 1
	assert_output ''
	assert_stderr ''
	run --separate-stderr crm-customer search -H 张明
	assert_failure 1
	assert_output ''
	run --separate-stderr crm-customer search -H nomatch
	assert_failure 1
	assert_output ''
}

@test "search follows changes: updated and deleted customers" {
	crm-customer update 2 --name 李娜 >/dev/null
	run crm-customer search -H -o id 王芳
	assert_failure 1
	assert_equal "$(ids 李娜)" "2 "
	crm-customer delete 2
	run crm-customer search -H -o id 李娜
	assert_failure 1
	assert_output ''
}

@test "sqlite3 updates customers without crm; search finds the new values, not the old" {
	db_sql "UPDATE customers SET name = '李娜', city = '深圳' WHERE id = 2;
		UPDATE customers SET email = 'ada@lovelace.org', phone = '+441234567' WHERE id = 3;
		UPDATE customers SET city = '杭州' WHERE id = 1"
	run crm-customer search -H -o id,name,city 李娜
	assert_success
	assert_output "2	李娜	深圳"
	assert_equal "$(ids 王芳)" ""
	assert_equal "$(ids 上海)" ""
	assert_equal "$(ids 深圳)" "2 "
	assert_equal "$(ids lovelace.org)" "3 "
	assert_equal "$(ids example)" "1 "
	assert_equal "$(ids 441234567)" "3 "
	assert_equal "$(ids 79460958)" ""
	assert_equal "$(ids 杭州)" "1 "
	assert_equal "$(ids 北京)" ""
	assert_equal "$(ids 张伟明)" "1 "
}

@test "sqlite3 inserts and deletes customers; search finds the new one, not the deleted" {
	db_sql "DELETE FROM customers WHERE id = 1;
		INSERT INTO customers (name, email, city, created_at, updated_at)
		VALUES ('赵小明', 'zhao@example.cn', '广州', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
	run --separate-stderr crm-customer search -H -o id 伟明
	assert_failure 1
	assert_output ''
	assert_stderr ''
	assert_equal "$(ids 13800138000)" ""
	assert_equal "$(ids 北京)" ""
	assert_equal "$(ids 张)" "4 "
	assert_equal "$(ids 小明)" "5 "
	assert_equal "$(ids 广州)" "5 "
	assert_equal "$(ids example)" "3 5 "
	# a search takes the changes in for good: nothing is left noted
	assert_equal "$(db_sql 'SELECT count(*) FROM search_dirty')" 0
}

@test "sqlite3 replaces customers and changes an id; search follows" {
	sqlite_only
	sqlite3 "$CRM_DB" "INSERT OR REPLACE INTO customers (id, name, created_at, updated_at)
		VALUES (2, '刘洋', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
		UPDATE customers SET id = 40 WHERE id = 3"
	assert_equal "$(ids 王芳)" ""
	assert_equal "$(ids 上海)" ""
	assert_equal "$(ids 刘洋)" "2 "
	assert_equal "$(ids lovelace)" "40 "
}

@test "an import and its revert after sqlite3 edits keep the search exact" {
	db_sql "UPDATE customers SET name = '李娜' WHERE id = 1;
		UPDATE customers SET city = '深圳' WHERE id = 2"
	printf 'name,email,city\n赵六,zhang.weiming@example.cn,杭州\n孙七,sun@example.cn,南京\n' > "$BATS_TEST_TMPDIR/in.csv"
	crm-import customers -q "$BATS_TEST_TMPDIR/in.csv"
	assert_equal "$(ids 李娜)" ""
	assert_equal "$(ids 赵六)" "1 "
	assert_equal "$(ids 杭州)" "1 "
	assert_equal "$(ids 深圳)" "2 "
	assert_equal "$(ids 孙七)" "5 "
	db_sql "UPDATE customers SET phone = '13900001111' WHERE id = 2"
	crm-import revert -q 1
	assert_equal "$(ids 李娜)" "1 "
	assert_equal "$(ids 赵六)" ""
	assert_equal "$(ids 杭州)" ""
	assert_equal "$(ids 孙七)" ""
	assert_equal "$(ids 13900001111)" "2 "
	run --separate-stderr crm-admin check
	assert_success
	assert_output ''
}

@test "a database copied with sqlite3's .dump searches as the original" {
	sqlite_only
	sqlite3 "$CRM_DB" "UPDATE customers SET name = '李娜' WHERE id = 2"
	{ sqlite3 "$CRM_DB" .dump
	  echo "PRAGMA user_version = $(sqlite3 "$CRM_DB" 'PRAGMA user_version');"
	} | sqlite3 "$BATS_TEST_TMPDIR/copy.db"
	run crm-customer search -d "$BATS_TEST_TMPDIR/copy.db" -H -o id 李娜
	assert_success
	assert_output 2
	run crm-customer search -d "$BATS_TEST_TMPDIR/copy.db" -H -o id 张
	assert_success
	assert_output "$(printf '1\n4')"
	run crm-customer search -d "$BATS_TEST_TMPDIR/copy.db" -H -o id 王芳
	assert_failure 1
	run --separate-stderr crm-admin check -d "$BATS_TEST_TMPDIR/copy.db"
	assert_success
	assert_output ''
}

@test "search takes --where, --sort, --limit and the output options" {
	run crm-customer search 张 --sort -id -f csv -o id,name
	assert_success
	assert_output "$(printf 'id,name\n4,张三\n1,张伟明')"
	run crm-customer search 张 --where 'city=北京' -H -o id
	assert_output 1
	run crm-customer search 张 --limit 1 -H -o id
	assert_output 1
	run crm-customer search 张 -f json -o id,city
	assert_output "$(printf '%s\n' '{"id":1,"city":"北京"}' '{"id":4,"city":null}')"
}

@test "SQL and search syntax in the text are plain text" {
	crm-customer add --name 'O"Brien AND co' >/dev/null
	run --separate-stderr crm-customer search -H -o id '"brien'
	assert_success
	assert_output 5
	run --separate-stderr crm-customer search -H -o id "x' OR 1=1 --"
	assert_failure 1
	assert_output ''
	assert_stderr ''
	run --separate-stderr crm-customer search -H -o id 'NEAR(ada)' '*'
	assert_failure 1
	assert_output ''
}

@test "search without text exits 64" {
	run --separate-stderr crm-customer search
	assert_error 64 "crm-customer: nothing to search for; see 'crm-customer search --help'"
	run --separate-stderr crm-customer search '!?'
	assert_error 64 "crm-customer: nothing to search for in '!?': give letters or digits"
}
