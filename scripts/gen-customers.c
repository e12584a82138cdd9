/*
 * gen-customers - write N realistic, messy customers as CSV to stdout.
 *
 * usage: gen-customers [-f] [-t END] N [SEED]
 *
 * The header is "name,kind,email,phone,address,city,country,segment,ref".
 * With -f three more columns follow, for custom fields (crm-field):
 * "industry,credit_limit,contract_end" - an enum drawn like segment (so
 * that "industry=retail" matches about as many rows as "segment=retail"),
 * an amount with cents, a date; some of each empty.  They come from a
 * random stream of their own: the other columns are the same bytes with
 * and without -f.
 * With -t END (seconds since 1970) a created_at column comes last: the
 * rows, in order, spread over the 365 days before END, each at a time of
 * day of its own (a stream of its own too), so that a database imported
 * from them has a history; this column depends on N as well.
 * Every row is a pure function of (SEED, row number), so the output is
 * byte-identical for the same N and SEED, and the first K rows of any run
 * with K <= N are the same.
 *
 * What the rows hold, roughly:
 *   - 85% people with Chinese names: a common surname (a few compound ones)
 *     and a given name of one or two characters drawn from a skewed list,
 *     so that two-character substrings such as "张伟" are common;
 *   - 15% companies: "北京华信科技有限公司", "华信电子（深圳）有限公司",
 *     and Latin names like "Acme Trading Ltd." or "Pacific Foods Co., Ltd.";
 *   - emails, mostly unique, some upper case or with surrounding spaces,
 *     some absent; phones in every shape people type them
 *     ("+86 138-0013-8000", "(010) 6552 1234", full-width digits);
 *   - addresses, some on two lines, some with commas and doubled quotes;
 *   - about 1% invalid rows (bad email, a phone with too few digits or a
 *     letter, an empty name), about 1% rows whose email repeats an earlier
 *     row's with other case or spaces, and about 0.5% rows that repeat an
 *     earlier customer's phone in another format (probable duplicates).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "gen.h"

/*
 * An index into a list of n entries ordered from common to rare: the
 * minimum of two uniform draws, twice, gives a steep skew without floats.
 */
static uint32_t
skewed(struct rng *r, uint32_t n)
{
	uint32_t a = rnd(r, n), b = rnd(r, n), c = rnd(r, n);

	a = a < b ? a : b;
	return a < c ? a : c;
}

/* ---- word lists --------------------------------------------------------- */

struct word {
	const char *han;
	const char *latin;	/* pinyin or English, for email addresses */
};

/* Surnames, roughly by frequency; the compound ones are rare. */
static const struct word surnames[] = {
	{ "王", "wang" }, { "李", "li" }, { "张", "zhang" }, { "刘", "liu" },
	{ "陈", "chen" }, { "杨", "yang" }, { "黄", "huang" },
	{ "赵", "zhao" }, { "吴", "wu" }, { "周", "zhou" }, { "徐", "xu" },
	{ "孙", "sun" }, { "马", "ma" }, { "朱", "zhu" }, { "胡", "hu" },
	{ "郭", "guo" }, { "何", "he" }, { "高", "gao" }, { "林", "lin" },
	{ "罗", "luo" }, { "郑", "zheng" }, { "梁", "liang" },
	{ "谢", "xie" }, { "宋", "song" }, { "唐", "tang" }, { "许", "xu" },
	{ "韩", "han" }, { "冯", "feng" }, { "邓", "deng" }, { "曹", "cao" },
	{ "彭", "peng" }, { "曾", "zeng" }, { "肖", "xiao" }, { "田", "tian" },
	{ "董", "dong" }, { "袁", "yuan" }, { "潘", "pan" }, { "于", "yu" },
	{ "蒋", "jiang" }, { "蔡", "cai" }, { "余", "yu" }, { "杜", "du" },
	{ "叶", "ye" }, { "程", "cheng" }, { "苏", "su" }, { "魏", "wei" },
	{ "吕", "lv" }, { "丁", "ding" }, { "任", "ren" }, { "沈", "shen" },
	{ "姚", "yao" }, { "卢", "lu" }, { "姜", "jiang" }, { "崔", "cui" },
	{ "钟", "zhong" }, { "谭", "tan" }, { "陆", "lu" }, { "汪", "wang" },
	{ "范", "fan" }, { "金", "jin" }, { "石", "shi" }, { "廖", "liao" },
	{ "贾", "jia" }, { "夏", "xia" }, { "韦", "wei" }, { "付", "fu" },
	{ "方", "fang" }, { "白", "bai" }, { "邹", "zou" }, { "孟", "meng" },
	{ "熊", "xiong" }, { "秦", "qin" }, { "邱", "qiu" }, { "江", "jiang" },
	{ "尹", "yin" }, { "薛", "xue" }, { "闫", "yan" }, { "段", "duan" },
	{ "雷", "lei" }, { "侯", "hou" }, { "龙", "long" }, { "史", "shi" },
	{ "陶", "tao" }, { "黎", "li" }, { "贺", "he" }, { "顾", "gu" },
	{ "毛", "mao" }, { "郝", "hao" }, { "龚", "gong" }, { "邵", "shao" },
	{ "万", "wan" }, { "钱", "qian" }, { "严", "yan" }, { "覃", "qin" },
	{ "武", "wu" }, { "戴", "dai" }, { "莫", "mo" }, { "孔", "kong" },
	{ "向", "xiang" }, { "汤", "tang" }, { "欧阳", "ouyang" },
	{ "司马", "sima" }, { "上官", "shangguan" }, { "诸葛", "zhuge" },
};

/* Characters of given names, common first. */
static const struct word given[] = {
	{ "伟", "wei" }, { "芳", "fang" }, { "娜", "na" }, { "敏", "min" },
	{ "静", "jing" }, { "丽", "li" }, { "强", "qiang" }, { "磊", "lei" },
	{ "军", "jun" }, { "洋", "yang" }, { "勇", "yong" }, { "艳", "yan" },
	{ "杰", "jie" }, { "娟", "juan" }, { "涛", "tao" }, { "明", "ming" },
	{ "超", "chao" }, { "秀", "xiu" }, { "霞", "xia" }, { "平", "ping" },
	{ "刚", "gang" }, { "英", "ying" }, { "华", "hua" }, { "玉", "yu" },
	{ "兰", "lan" }, { "文", "wen" }, { "辉", "hui" }, { "建", "jian" },
	{ "国", "guo" }, { "鹏", "peng" }, { "飞", "fei" }, { "宇", "yu" },
	{ "浩", "hao" }, { "婷", "ting" }, { "雪", "xue" }, { "琳", "lin" },
	{ "晨", "chen" }, { "欣", "xin" }, { "怡", "yi" }, { "子", "zi" },
	{ "涵", "han" }, { "梓", "zi" }, { "轩", "xuan" }, { "博", "bo" },
	{ "思", "si" }, { "佳", "jia" }, { "嘉", "jia" }, { "俊", "jun" },
	{ "志", "zhi" }, { "海", "hai" }, { "波", "bo" }, { "红", "hong" },
	{ "春", "chun" }, { "燕", "yan" }, { "凤", "feng" }, { "梅", "mei" },
	{ "亮", "liang" }, { "峰", "feng" }, { "斌", "bin" }, { "晓", "xiao" },
	{ "小", "xiao" }, { "云", "yun" }, { "新", "xin" }, { "德", "de" },
	{ "成", "cheng" }, { "林", "lin" }, { "东", "dong" }, { "宁", "ning" },
	{ "慧", "hui" }, { "颖", "ying" }, { "鑫", "xin" }, { "昊", "hao" },
	{ "然", "ran" }, { "一", "yi" }, { "诺", "nuo" }, { "雨", "yu" },
	{ "萱", "xuan" }, { "天", "tian" }, { "泽", "ze" }, { "瑞", "rui" },
	{ "安", "an" }, { "睿", "rui" }, { "晶", "jing" }, { "丹", "dan" },
	{ "倩", "qian" }, { "莉", "li" }, { "蕾", "lei" }, { "玲", "ling" },
	{ "永", "yong" }, { "旭", "xu" }, { "阳", "yang" }, { "帆", "fan" },
	{ "立", "li" }, { "冬", "dong" }, { "金", "jin" }, { "宏", "hong" },
	{ "凯", "kai" }, { "鸿", "hong" }, { "瑶", "yao" }, { "琦", "qi" },
	{ "昕", "xin" }, { "彤", "tong" }, { "璐", "lu" }, { "骏", "jun" },
	{ "铭", "ming" }, { "豪", "hao" }, { "晗", "han" }, { "钰", "yu" },
	{ "馨", "xin" }, { "茜", "qian" }, { "妍", "yan" }, { "楠", "nan" },
};

/* Characters of Chinese brand names. */
static const struct word brand[] = {
	{ "华", "hua" }, { "信", "xin" }, { "达", "da" }, { "通", "tong" },
	{ "恒", "heng" }, { "泰", "tai" }, { "盛", "sheng" }, { "鑫", "xin" },
	{ "源", "yuan" }, { "宏", "hong" }, { "远", "yuan" }, { "嘉", "jia" },
	{ "诚", "cheng" }, { "德", "de" }, { "丰", "feng" }, { "利", "li" },
	{ "安", "an" }, { "新", "xin" }, { "天", "tian" }, { "科", "ke" },
	{ "创", "chuang" }, { "博", "bo" }, { "智", "zhi" }, { "联", "lian" },
	{ "金", "jin" }, { "龙", "long" }, { "海", "hai" }, { "星", "xing" },
	{ "云", "yun" }, { "中", "zhong" }, { "东", "dong" }, { "方", "fang" },
	{ "润", "run" }, { "瑞", "rui" }, { "永", "yong" }, { "长", "chang" },
};

static const struct word industries[] = {
	{ "科技", "tech" }, { "贸易", "trade" }, { "电子", "elec" },
	{ "信息技术", "it" }, { "网络科技", "net" }, { "食品", "food" },
	{ "物流", "logistics" }, { "建筑工程", "build" },
	{ "文化传媒", "media" }, { "医疗器械", "med" }, { "咨询", "consult" },
	{ "进出口", "impex" }, { "餐饮管理", "dining" }, { "服装", "fashion" },
	{ "机械设备", "machinery" }, { "环保科技", "eco" },
};

static const char *const cn_suffixes[] = {
	"有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司",
};

static const struct word latin_first[] = {
	{ "Acme", "acme" }, { "Golden Dragon", "goldendragon" },
	{ "Pacific", "pacific" }, { "Orient", "orient" },
	{ "Blue Sky", "bluesky" }, { "Silverline", "silverline" },
	{ "Northwind", "northwind" }, { "Evergreen", "evergreen" },
	{ "Harbor", "harbor" }, { "Lotus", "lotus" }, { "Jade", "jade" },
	{ "Summit", "summit" }, { "Red Lantern", "redlantern" },
	{ "Great Wall", "greatwall" }, { "Phoenix", "phoenix" },
	{ "Bamboo", "bamboo" },
};

static const char *const latin_trade[] = {
	"Trading", "Logistics", "Electronics", "Holdings", "Consulting",
	"Foods", "Textiles", "Imports", "Software", "Industries",
};

static const char *const latin_suffixes[] = {
	"Ltd.", "Co., Ltd.", "Inc.", "Limited", "Pte. Ltd.", "GmbH", "LLC",
	"Corp.",
};

struct city {
	const char *han;
	const char *latin;
	const char *area;	/* telephone area code */
	const char *district[4];
	const char *road[4];
};

/* Cities, biggest first. */
static const struct city cities[] = {
	{ "北京", "beijing", "010", { "朝阳区", "海淀区", "东城区", "丰台区" },
	  { "建国路", "中关村大街", "长安街", "望京街" } },
	{ "上海", "shanghai", "021", { "浦东新区", "徐汇区", "静安区", "黄浦区" },
	  { "南京西路", "淮海中路", "世纪大道", "漕溪北路" } },
	{ "广州", "guangzhou", "020", { "天河区", "越秀区", "海珠区", "番禺区" },
	  { "天河路", "中山五路", "江南大道", "环市东路" } },
	{ "深圳", "shenzhen", "0755", { "南山区", "福田区", "罗湖区", "宝安区" },
	  { "深南大道", "科技园路", "华强北路", "宝安大道" } },
	{ "杭州", "hangzhou", "0571", { "西湖区", "滨江区", "上城区", "余杭区" },
	  { "文三路", "江南大道", "延安路", "文一西路" } },
	{ "成都", "chengdu", "028", { "锦江区", "武侯区", "高新区", "青羊区" },
	  { "春熙路", "天府大道", "人民南路", "蜀都大道" } },
	{ "南京", "nanjing", "025", { "鼓楼区", "玄武区", "秦淮区", "建邺区" },
	  { "中山路", "汉中路", "江东中路", "珠江路" } },
	{ "武汉", "wuhan", "027", { "江汉区", "武昌区", "洪山区", "汉阳区" },
	  { "解放大道", "中南路", "珞喻路", "建设大道" } },
	{ "西安", "xian", "029", { "雁塔区", "碑林区", "未央区", "新城区" },
	  { "长安路", "高新路", "东大街", "未央路" } },
	{ "重庆", "chongqing", "023", { "渝中区", "江北区", "南岸区", "渝北区" },
	  { "解放碑", "观音桥步行街", "南坪正街", "金开大道" } },
	{ "苏州", "suzhou", "0512", { "姑苏区", "工业园区", "吴中区", "相城区" },
	  { "观前街", "星湖街", "东吴北路", "干将西路" } },
	{ "天津", "tianjin", "022", { "和平区", "河西区", "南开区", "滨海新区" },
	  { "南京路", "友谊路", "卫津路", "黄海路" } },
	{ "长沙", "changsha", "0731", { "岳麓区", "芙蓉区", "天心区", "开福区" },
	  { "五一大道", "芙蓉中路", "麓山南路", "湘江中路" } },
	{ "郑州", "zhengzhou", "0371", { "金水区", "二七区", "中原区", "管城区" },
	  { "花园路", "农业路", "中原路", "紫荆山路" } },
	{ "青岛", "qingdao", "0532", { "市南区", "市北区", "崂山区", "黄岛区" },
	  { "香港中路", "延安三路", "辽阳西路", "长江中路" } },
	{ "厦门", "xiamen", "0592", { "思明区", "湖里区", "集美区", "海沧区" },
	  { "中山路", "鹭江道", "湖滨南路", "仙岳路" } },
	{ "宁波", "ningbo", "0574", { "海曙区", "江北区", "鄞州区", "北仑区" },
	  { "中山东路", "天一街", "宁穿路", "四明中路" } },
	{ "合肥", "hefei", "0551", { "蜀山区", "包河区", "庐阳区", "瑶海区" },
	  { "长江西路", "徽州大道", "金寨路", "淮河路" } },
};

static const char *const buildings[] = {
	"SOHO现代城", "国贸大厦", "环球金融中心", "科技园", "万达广场",
	"中信大厦", "创业大厦", "阳光花园", "金融街中心", "软件园",
};

static const char *const en_roads[] = {
	"Jianguo Road", "Nanjing West Road", "Shennan Avenue",
	"Tianhe Road", "Wensan Road", "Zhongshan Road",
};

static const char *const segments[] = {
	"retail", "retail", "smb", "wholesale", "enterprise", "vip",
	"government", "education", "零售", "批发",
};

static const char *const mail_domains[] = {
	"163.com", "qq.com", "126.com", "gmail.com", "sina.com",
	"hotmail.com", "outlook.com", "foxmail.com", "139.com", "yahoo.com",
};

static const char *const company_locals[] = {
	"info", "sales", "contact", "service", "office", "hr", "admin",
};

static const char *const company_tlds[] = {
	".com", ".cn", ".com.cn", ".net",
};

/* Mobile prefixes (the first three digits). */
static const char *const mobile[] = {
	"138", "139", "137", "136", "135", "134", "150", "151", "152", "158",
	"159", "182", "183", "187", "188", "130", "131", "132", "155", "156",
	"185", "186", "176", "133", "153", "180", "181", "189", "177", "199",
};

/* ---- strings ------------------------------------------------------------ */

/* A small fixed-capacity string: fields never come close to the limit. */
#define FIELD_MAX 512

struct str {
	char s[FIELD_MAX];
	size_t n;
};

static void
s_reset(struct str *s)
{
	s->n = 0;
	s->s[0] = '\0';
}

static void
s_add(struct str *s, const char *t)
{
	size_t n = strlen(t);

	if (s->n + n >= FIELD_MAX)
		n = FIELD_MAX - 1 - s->n;
	memcpy(s->s + s->n, t, n);
	s->n += n;
	s->s[s->n] = '\0';
}

static void
s_addf(struct str *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
s_addf(struct str *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->s + s->n, FIELD_MAX - s->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->n += (size_t)n < FIELD_MAX - s->n ? (size_t)n :
			FIELD_MAX - 1 - s->n;
}

/* Append n random decimal digits. */
static void
s_digits(struct str *s, struct rng *r, int n)
{
	char d[2] = { 0, 0 };

	while (n-- > 0) {
		d[0] = (char)('0' + rnd(r, 10));
		s_add(s, d);
	}
}

/* ---- rows --------------------------------------------------------------- */

enum kind { ROW_OK, ROW_INVALID, ROW_DUP_EMAIL, ROW_DUP_PHONE };

struct row {
	struct str name, kind, email, phone, address, city, country, segment,
		ref;
	struct str digits;	/* the phone's digits, for ROW_DUP_PHONE */
	int person;
	const struct city *c;
};

/* Replace row->phone with digits in one of the shapes people type. */
static void
format_phone(struct rng *r, struct row *row, const struct str *d,
	int landline, size_t area_len)
{
	static const char *const fw[] = { "０", "１", "２", "３", "４", "５",
		"６", "７", "８", "９" };
	const char *p = d->s;
	size_t i;
	uint32_t f = rnd(r, 100);

	s_reset(&row->phone);
	if (landline) {
		/* d: area code then the local number. */
		if (f < 45)
			s_addf(&row->phone, "(%.*s) %.4s %s", (int)area_len, p,
				p + area_len, p + area_len + 4);
		else if (f < 80)
			s_addf(&row->phone, "%.*s-%s", (int)area_len, p,
				p + area_len);
		else
			s_addf(&row->phone, "+86 %.*s %s", (int)area_len - 1,
				p + 1, p + area_len);
		return;
	}
	if (f < 40)
		s_add(&row->phone, p);
	else if (f < 52)
		s_addf(&row->phone, "%.3s %.4s %.4s", p, p + 3, p + 7);
	else if (f < 64)
		s_addf(&row->phone, "%.3s-%.4s-%.4s", p, p + 3, p + 7);
	else if (f < 78)
		s_addf(&row->phone, "+86 %.3s-%.4s-%.4s", p, p + 3, p + 7);
	else if (f < 86)
		s_addf(&row->phone, "+86 %s", p);
	else if (f < 89)
		s_addf(&row->phone, "+86.%.3s.%.4s.%.4s", p, p + 3, p + 7);
	else if (f < 92)
		s_addf(&row->phone, "0086-%s", p);
	else
		for (i = 0; p[i]; i++)
			s_add(&row->phone, fw[p[i] - '0']);
}

static void
make_phone(struct rng *r, struct row *row)
{
	struct str *d = &row->digits;
	int landline = chance(r, 180);
	size_t area = strlen(row->c->area);

	s_reset(d);
	if (landline) {
		s_add(d, row->c->area);
		s_add(d, (const char *[]){ "6", "8", "5" }[rnd(r, 3)]);
		s_digits(d, r, area == 3 ? 7 : 6 + (int)rnd(r, 2));
	} else {
		s_add(d, mobile[skewed(r, ARRAY_SIZE(mobile))]);
		s_digits(d, r, 8);
	}
	format_phone(r, row, d, landline, area);
}

static void
make_address(struct rng *r, struct row *row, int messy)
{
	const struct city *c = row->c;
	struct str *a = &row->address;
	uint32_t f = rnd(r, 100);
	const char *nl = chance(r, 100) ? "\r\n" : "\n";

	s_reset(a);
	if (f < 6) {
		/* Latin, with commas and sometimes doubled quotes. */
		if (messy && chance(r, 300))
			s_addf(a, "Room %u, \"Sunshine\" Tower, %u %s, %c%s",
				100 + rnd(r, 3000), 1 + rnd(r, 300),
				en_roads[rnd(r, ARRAY_SIZE(en_roads))],
				c->latin[0] - 32, c->latin + 1);
		else
			s_addf(a, "Room %u, Tower %u, %u %s",
				100 + rnd(r, 3000), 1 + rnd(r, 9),
				1 + rnd(r, 300),
				en_roads[rnd(r, ARRAY_SIZE(en_roads))]);
		return;
	}
	if (f < 11)
		return;		/* no address */
	if (chance(r, 400))
		s_addf(a, "%s市", c->han);
	s_addf(a, "%s%s%u号", c->district[rnd(r, 4)], c->road[rnd(r, 4)],
		1 + rnd(r, 999));
	f = rnd(r, 100);
	if (f < 12)
		s_addf(a, "%s%s%u号楼 %u室", nl,
			buildings[rnd(r, ARRAY_SIZE(buildings))],
			1 + rnd(r, 12), 101 + rnd(r, 2800));
	else if (f < 20)
		s_addf(a, ", %s %u室",
			buildings[rnd(r, ARRAY_SIZE(buildings))],
			101 + rnd(r, 2800));
	else if (f < 45)
		s_addf(a, "%s%u室", buildings[rnd(r, ARRAY_SIZE(buildings))],
			101 + rnd(r, 2800));
}

/* The email of a person: name in pinyin and the row number, unique. */
static void
person_email(struct rng *r, struct row *row, uint64_t i,
	const struct word *sur, const struct word *g1, const struct word *g2)
{
	struct str g;
	const char *dom = mail_domains[skewed(r, ARRAY_SIZE(mail_domains))];
	uint32_t f = rnd(r, 100);

	s_reset(&g);
	s_add(&g, g1->latin);
	if (g2)
		s_add(&g, g2->latin);
	s_reset(&row->email);
	if (!strcmp(dom, "qq.com") && f < 70)
		s_addf(&row->email, "%llu@qq.com",
			(unsigned long long)(10000 + i));
	else if (f < 30)
		s_addf(&row->email, "%s%s%llu@%s", sur->latin, g.s,
			(unsigned long long)i, dom);
	else if (f < 55)
		s_addf(&row->email, "%s.%s%llu@%s", g.s, sur->latin,
			(unsigned long long)i, dom);
	else if (f < 75)
		s_addf(&row->email, "%s.%s.%llu@%s", sur->latin, g.s,
			(unsigned long long)i, dom);
	else if (f < 90)
		s_addf(&row->email, "%c%s%llu@%s", g.s[0], sur->latin,
			(unsigned long long)i, dom);
	else
		s_addf(&row->email, "%s_%s%llu@%s", sur->latin, g.s,
			(unsigned long long)i, dom);
}

/* Upper-case some letters of an email or wrap it in spaces: still the
 * same address once trimmed and lowercased. */
static void
mess_email(struct rng *r, struct str *e, int must_change)
{
	struct str t;
	size_t i;
	uint32_t f = rnd(r, 100);

	if (!e->n)
		return;
	if (f < 45 || must_change) {
		int all = chance(r, 300), changed = 0;

		for (i = 0; i < e->n; i++)
			if (e->s[i] >= 'a' && e->s[i] <= 'z' &&
			    (all || i == 0 || e->s[i - 1] == '.' ||
			    e->s[i - 1] == '@' || chance(r, 100))) {
				e->s[i] = (char)(e->s[i] - 32);
				changed = 1;
			}
		if (changed && f < 45)
			return;
	}
	t = *e;
	s_reset(e);
	s_add(e, (const char *[]){ " ", "  ", "\t", "" }[rnd(r, 4)]);
	s_add(e, t.s);
	s_add(e, (const char *[]){ " ", "  ", "" }[rnd(r, 3)]);
	if (e->n == t.n) {
		/* Neither side drew a space. */
		s_reset(e);
		s_addf(e, " %s ", t.s);
	}
}

static void
make_person(struct rng *r, struct row *row, uint64_t i)
{
	const struct word *sur = &surnames[skewed(r, ARRAY_SIZE(surnames))];
	const struct word *g1 = &given[skewed(r, ARRAY_SIZE(given))];
	const struct word *g2 = NULL;

	if (chance(r, 600))
		g2 = &given[skewed(r, ARRAY_SIZE(given))];
	row->person = 1;
	s_addf(&row->name, "%s%s%s", sur->han, g1->han, g2 ? g2->han : "");
	if (chance(r, 20))
		s_add(&row->name, chance(r, 500) ? "先生" : "女士");
	if (chance(r, 600))
		s_add(&row->kind, chance(r, 50) ? "Person" : "person");
	if (chance(r, 840)) {
		person_email(r, row, i, sur, g1, g2);
		if (chance(r, 60))
			mess_email(r, &row->email, 0);
	}
}

static void
make_company(struct rng *r, struct row *row, uint64_t i)
{
	const struct word *b1 = &brand[rnd(r, ARRAY_SIZE(brand))];
	const struct word *b2 = &brand[rnd(r, ARRAY_SIZE(brand))];
	const struct word *ind = &industries[skewed(r,
		ARRAY_SIZE(industries))];
	struct str dom;
	uint32_t f = rnd(r, 100);

	row->person = 0;
	s_add(&row->kind, chance(r, 900) ? "company" : "Company");
	s_reset(&dom);
	if (f < 80) {
		const char *suf = cn_suffixes[rnd(r, ARRAY_SIZE(cn_suffixes))];

		if (chance(r, 750))
			s_addf(&row->name, "%s%s%s%s%s", row->c->han, b1->han,
				b2->han, ind->han, suf);
		else
			s_addf(&row->name, "%s%s%s（%s）%s", b1->han, b2->han,
				ind->han, row->c->han, suf);
		s_addf(&dom, "%s%s%s%llu", b1->latin, b2->latin, ind->latin,
			(unsigned long long)i);
	} else {
		const struct word *l = &latin_first[rnd(r,
			ARRAY_SIZE(latin_first))];
		const char *trade = latin_trade[rnd(r,
			ARRAY_SIZE(latin_trade))];
		const char *suf = latin_suffixes[rnd(r,
			ARRAY_SIZE(latin_suffixes))];

		f = rnd(r, 100);
		if (f < 8)
			s_addf(&row->name, "\"%s\" %s %s", l->han, trade, suf);
		else if (f < 14)
			s_addf(&row->name, "%s, %s & Partners", l->han,
				surnames[rnd(r, 20)].latin);
		else
			s_addf(&row->name, "%s %s %s", l->han, trade, suf);
		s_addf(&dom, "%s%llu", l->latin, (unsigned long long)i);
	}
	if (chance(r, 900)) {
		s_addf(&row->email, "%s@%s%s",
			company_locals[rnd(r, ARRAY_SIZE(company_locals))],
			dom.s, company_tlds[rnd(r, ARRAY_SIZE(company_tlds))]);
		if (chance(r, 80))
			mess_email(r, &row->email, 0);
	}
}

/* Break a valid row in one of the ways real exports are broken. */
static void
make_invalid(struct rng *r, struct row *row)
{
	char *at;

	switch (rnd(r, 6)) {
	case 0:		/* no top-level domain */
		if (row->email.n && (at = strrchr(row->email.s, '.')) &&
		    strchr(row->email.s, '@') < at) {
			*at = '\0';
			row->email.n = strlen(row->email.s);
			break;
		}
		/* FALLTHROUGH */
	case 1:		/* no @ */
		s_reset(&row->email);
		s_addf(&row->email, "%s.163.com",
			given[rnd(r, ARRAY_SIZE(given))].latin);
		break;
	case 2:		/* a space inside */
		s_reset(&row->email);
		s_addf(&row->email, "%s %s@qq.com",
			surnames[rnd(r, 20)].latin,
			given[rnd(r, ARRAY_SIZE(given))].latin);
		break;
	case 3:		/* too few digits */
		s_reset(&row->phone);
		s_add(&row->phone, (const char *[]){ "1234", "138", "+86 12",
			"0", "(010)" }[rnd(r, 5)]);
		break;
	case 4:		/* a letter in the phone */
		s_reset(&row->phone);
		s_addf(&row->phone, "138-%s-%u", chance(r, 500) ? "ABCD" :
			"00l3", 1000 + rnd(r, 9000));
		break;
	default:	/* no name */
		s_reset(&row->name);
		s_add(&row->name, chance(r, 500) ? "" : "  ");
		break;
	}
}

static void gen_row(uint64_t seed, uint64_t i, struct row *row);

/* Find an earlier valid row with an email (or a phone): j in [1, i). */
static int
earlier(struct rng *r, uint64_t seed, uint64_t i, int want_email,
	struct row *prev)
{
	int tries;

	if (i < 2)
		return 0;
	for (tries = 0; tries < 8; tries++) {
		uint64_t j = 1 + (rng_next(r) % (i - 1));

		gen_row(seed, j | (1ULL << 63), prev);
		if (want_email ? prev->email.n > 0 : prev->digits.n > 0)
			return 1;
	}
	return 0;
}

/*
 * Row i (1-based).  The top bit of i asks for the plain valid row only:
 * that is how a duplicate finds what the earlier row held.
 */
static void
gen_row(uint64_t seed, uint64_t i, struct row *row)
{
	struct rng r;
	struct row prev;
	int plain = (i >> 63) & 1;
	uint32_t k;
	enum kind kind = ROW_OK;

	i &= ~(1ULL << 63);
	gen_rng_seed(&r, seed, 0, i);
	k = rnd(&r, 1000);
	if (k < 10)
		kind = ROW_INVALID;
	else if (k < 20)
		kind = ROW_DUP_EMAIL;
	else if (k < 25)
		kind = ROW_DUP_PHONE;
	if (plain && kind != ROW_OK)
		kind = ROW_OK;

	memset(row, 0, sizeof(*row));
	row->c = &cities[skewed(&r, ARRAY_SIZE(cities))];
	if (chance(&r, 150))
		make_company(&r, row, i);
	else
		make_person(&r, row, i);
	if (chance(&r, 940))
		make_phone(&r, row);
	make_address(&r, row, 1);
	if (chance(&r, 930)) {
		/* One form of each city (上海, never 上海市 or Shanghai), so
		 * that --where city=上海 finds them all.  The draws that once
		 * chose those forms are kept: the other columns keep their
		 * bytes. */
		s_add(&row->city, row->c->han);
		if (!chance(&r, 60))
			(void)chance(&r, 20);
	}
	k = rnd(&r, 100);
	s_add(&row->country, k < 80 ? "中国" : k < 86 ? "China" :
		k < 89 ? "CN" : "");
	if (chance(&r, 900))
		s_add(&row->segment, segments[skewed(&r,
			ARRAY_SIZE(segments))]);
	if (chance(&r, 700))
		s_addf(&row->ref, "C%07llu", (unsigned long long)i);

	if (kind == ROW_INVALID) {
		make_invalid(&r, row);
	} else if (kind == ROW_DUP_EMAIL &&
	    earlier(&r, seed, i, 1, &prev)) {
		/* The same address typed again, maybe for the same person. */
		if (chance(&r, 500)) {
			row->name = prev.name;
			row->kind = prev.kind;
		}
		row->email = prev.email;
		mess_email(&r, &row->email, 1);
	} else if (kind == ROW_DUP_PHONE &&
	    earlier(&r, seed, i, 0, &prev)) {
		/* The same customer entered again, phone typed otherwise. */
		row->name = prev.name;
		row->kind = prev.kind;
		row->c = prev.c;
		row->city = prev.city;
		row->address = prev.address;
		row->digits = prev.digits;
		row->phone = prev.phone;
		for (k = 0; k < 4 && !strcmp(row->phone.s, prev.phone.s); k++)
			format_phone(&r, row, &row->digits,
				prev.digits.s[0] == '0',
				strlen(prev.c->area));
	}
}

/* ---- output ------------------------------------------------------------- */

static char *obuf;
static size_t olen, ocap;

static void
flush(void)
{
	if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
		fprintf(stderr, "gen-customers: write error: %s\n",
			strerror(errno));
		exit(74);
	}
	olen = 0;
}

static void
out(const char *s, size_t n)
{
	if (olen + n > ocap)
		flush();
	memcpy(obuf + olen, s, n);
	olen += n;
}

/* One CSV field, quoted when it must be (RFC 4180) or when spaces at
 * either end would otherwise be trimmed by a reader. */
static void
field(const struct str *s, int last)
{
	size_t i;
	int quote = s->n && (s->s[0] == ' ' || s->s[0] == '\t' ||
		s->s[s->n - 1] == ' ' || s->s[s->n - 1] == '\t');

	for (i = 0; i < s->n && !quote; i++)
		quote = s->s[i] == ',' || s->s[i] == '"' || s->s[i] == '\n' ||
			s->s[i] == '\r';
	if (!quote) {
		out(s->s, s->n);
	} else {
		out("\"", 1);
		for (i = 0; i < s->n; i++) {
			if (s->s[i] == '"')
				out("\"", 1);
			out(s->s + i, 1);
		}
		out("\"", 1);
	}
	out(last ? "\n" : ",", 1);
}

/* -f: the values of the three custom columns of row i, from a stream of
 * their own. */
static const char *const field_industries[] = {
	"retail", "retail", "manufacturing", "wholesale", "tech", "services",
	"logistics", "energy", "education", "healthcare",
};

static void
custom_fields(uint64_t seed, uint64_t i, int last)
{
	struct rng r;
	struct str s;

	/* Kind 6: gen-orders has 1 and 2, gen-sales 3 to 5. */
	gen_rng_seed(&r, seed, 6, i);
	memset(&s, 0, sizeof(s));
	if (chance(&r, 900))
		s_add(&s, field_industries[skewed(&r,
			ARRAY_SIZE(field_industries))]);
	field(&s, 0);
	s_reset(&s);
	if (chance(&r, 800))
		s_addf(&s, "%u.%02u", 1000 * (1 + rnd(&r, 500)),
			rnd(&r, 4) ? 0 : rnd(&r, 100));
	field(&s, 0);
	s_reset(&s);
	if (chance(&r, 700))
		s_addf(&s, "%u-%02u-%02u", 2025 + rnd(&r, 5),
			1 + rnd(&r, 12), 1 + rnd(&r, 28));
	field(&s, last);
}

/* -t: the created_at of row i of n, the rows in order over the year
 * before end; kind 7 for the time within the row's share of it. */
static void
created_at(uint64_t seed, uint64_t i, uint64_t n, uint64_t end)
{
	const uint64_t year = 365 * 86400ULL;
	uint64_t share = year / n;
	struct rng r;
	struct str s;
	struct tm tm;
	time_t t;

	gen_rng_seed(&r, seed, 7, i);
	t = (time_t)(end - (n - i + 1) * share +
		(share > 1 ? rng_next(&r) % share : 0));
	memset(&s, 0, sizeof(s));
	if (gmtime_r(&t, &tm))
		s.n = strftime(s.s, sizeof(s.s), "%Y-%m-%dT%H:%M:%SZ",
			&tm);
	field(&s, 1);
}

static void
usage(void)
{
	fputs("usage: gen-customers [-f] [-t END] N [SEED]\n", stderr);
	exit(64);
}

static uint64_t
number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || !*s || *end || *s == '-')
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	static const char header[] =
		"name,kind,email,phone,address,city,country,segment,ref\n";
	static const char custom_header[] =
		",industry,credit_limit,contract_end\n";
	struct row row;
	uint64_t n, seed = 1, i, end = 0;
	int custom = 0, times = 0;

	if (argc > 1 && !strcmp(argv[1], "-f")) {
		custom = 1;
		argc--;
		argv++;
	}
	if (argc > 2 && !strcmp(argv[1], "-t")) {
		times = 1;
		end = number(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || argc > 3)
		usage();
	n = number(argv[1]);
	if (argc == 3)
		seed = number(argv[2]);
	if (n >= (1ULL << 62) || (times && (n == 0 || end < 365 * 86400ULL)))
		usage();
	ocap = 1 << 20;
	obuf = malloc(ocap);
	if (!obuf) {
		fputs("gen-customers: out of memory\n", stderr);
		return 71;
	}
	out(header, sizeof(header) - 2);
	if (custom)
		out(custom_header, sizeof(custom_header) - 2);
	out(times ? ",created_at\n" : "\n", times ? 12 : 1);
	for (i = 1; i <= n; i++) {
		gen_row(seed, i, &row);
		field(&row.name, 0);
		field(&row.kind, 0);
		field(&row.email, 0);
		field(&row.phone, 0);
		field(&row.address, 0);
		field(&row.city, 0);
		field(&row.country, 0);
		field(&row.segment, 0);
		field(&row.ref, !custom && !times);
		if (custom)
			custom_fields(seed, i, !times);
		if (times)
			created_at(seed, i, n, end);
	}
	flush();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "gen-customers: write error: %s\n",
			strerror(errno));
		return 74;
	}
	free(obuf);
	return 0;
}
