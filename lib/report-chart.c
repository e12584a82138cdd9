/*
 * report-chart.c - the bar chart of a report's main figure: the bars
 * gathered as the rows are written, then drawn to fit a width, labels cut
 * to a third of it and bars in eighths of a column.  Declared in
 * report.h.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "text.h"
#include "banned.h"

void
crm_chart_add(struct crm_chart *c, const char *label, int64_t value,
	const char *figure)
{
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 32;
		c->offs = crm_xrealloc(c->offs, c->alloc * sizeof(*c->offs));
		c->values = crm_xrealloc(c->values,
			c->alloc * sizeof(*c->values));
	}
	c->offs[c->n] = c->text.len;
	c->values[c->n] = value;
	c->n++;
	crm_buf_adds(&c->text, label ? label : "(empty)");
	crm_buf_addch(&c->text, '\0');
	crm_buf_adds(&c->text, figure);
	crm_buf_addch(&c->text, '\0');
}

static void
spaces(struct crm_buf *b, size_t n)
{
	while (n--)
		crm_buf_addch(b, ' ');
}

/* A label in exactly w columns: cut with "…" when wider; one line. */
static void
chart_label(struct crm_buf *out, const char *s, size_t w)
{
	struct crm_buf t = CRM_BUF_INIT;
	size_t sw;

	for (; *s; s++)
		crm_buf_addch(&t, *s == '\n' || *s == '\t' || *s == '\r' ?
			' ' : *s);
	sw = crm_text_width(t.buf, t.len);
	if (sw > w) {
		sw = crm_text_cut(t.buf, t.len, w - 1, out) + 1;
		crm_buf_adds(out, "\xe2\x80\xa6");	/* … */
	} else {
		crm_buf_add(out, t.buf, t.len);
	}
	spaces(out, w - sw);
	crm_buf_release(&t);
}

void
crm_chart_write(const struct crm_chart *c, int width, struct crm_buf *out)
{
	/* U+2588 full block, then U+2589..U+258F: 7/8 down to 1/8. */
	static const char *const eighths[] = { "", "\xe2\x96\x8f",
		"\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c", "\xe2\x96\x8b",
		"\xe2\x96\x8a", "\xe2\x96\x89" };
	size_t i, k, lw = 0, fw = 0, used, cells, w;
	int64_t max = 0, e;

	if (!c->n)
		return;
	if (width < 12)
		width = 12;
	for (i = 0; i < c->n; i++) {
		const char *label = c->text.buf + c->offs[i];
		const char *fig = label + strlen(label) + 1;

		w = crm_text_width(label, strlen(label));
		if (w > lw)
			lw = w;
		if (strlen(fig) > fw)
			fw = strlen(fig);
		if (c->values[i] > max)
			max = c->values[i];
	}
	/* Every line fits width: the label takes at most a third, the bar
	 * what the label and the figure leave, one column at least. */
	if (lw > (size_t)width / 3)
		lw = (size_t)width / 3;
	if (lw + fw + 5 > (size_t)width)
		lw = (size_t)width > fw + 6 ? (size_t)width - fw - 5 : 1;
	used = lw + 2 + fw + 2;
	cells = (size_t)width > used ? (size_t)width - used : 1;
	for (i = 0; i < c->n; i++) {
		const char *label = c->text.buf + c->offs[i];
		const char *fig = label + strlen(label) + 1;

		chart_label(out, label, lw);
		crm_buf_adds(out, "  ");
		spaces(out, fw - strlen(fig));
		crm_buf_adds(out, fig);
		e = 0;
		if (c->values[i] > 0) {
			e = (int64_t)((double)c->values[i] / (double)max *
				(double)(cells * 8) + 0.5);
			if (e < 1)
				e = 1;
		}
		if (e) {
			crm_buf_adds(out, "  ");
			for (k = 0; k < (size_t)e / 8; k++)
				crm_buf_adds(out, "\xe2\x96\x88");
			crm_buf_adds(out, eighths[e % 8]);
		}
		crm_buf_addch(out, '\n');
	}
}

void
crm_chart_release(struct crm_chart *c)
{
	crm_buf_release(&c->text);
	free(c->offs);
	free(c->values);
	c->offs = NULL;
	c->values = NULL;
	c->n = c->alloc = 0;
}
