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
