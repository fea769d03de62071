/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The doctor's report: laid out once as a list of fixed-height blocks,
 * paginated, then drawn page by page with cairo and pango. */

#define G_LOG_DOMAIN "techo-report"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "techo-chart-model.h"
#include "techo-chart-render.h"
#include "techo-qr.h"
#include "techo-reference.h"
#include "techo-report.h"
#include "techo-render-private.h"

G_DEFINE_QUARK (techo-report-error-quark, techo_report_error)

#define FONT       "Noto Sans CJK JP"
#define MARGIN     40.0
#define TOP        48.0
#define BOTTOM     (TECHO_REPORT_PAGE_HEIGHT - 56.0)
#define ROW        15.0
#define MAX_CELLS  6
#define QR_SIZE    96.0
#define CURRENT_MEDICATION_DAYS 90
#define COLOUR_ONLY 100

typedef enum
{
  BLOCK_TITLE,
  BLOCK_PATIENT,
  BLOCK_SECTION,
  BLOCK_HEADER,   /* a table's header row */
  BLOCK_ROW,      /* a table row */
  BLOCK_TEXT,     /* a line of text; flag 1: a warning */
  BLOCK_CHARTS,   /* up to two charts side by side */
} BlockKind;

typedef struct
{
  BlockKind kind;
  double height;
  guint page;
  double y;
  char *cells[MAX_CELLS];
  int flags[MAX_CELLS];           /* TechoStatus per cell, or 1 for a warning */
  const double *widths;           /* of the table the row belongs to */
  guint n_cells;
  const char *key;                /* a checkup row: its analyte's key */
  TechoChartModel *charts[2];
} Block;

struct _TechoReport
{
  GPtrArray *blocks;
  guint n_pages;
  char *footer;
  char *qr_text;
  char *patient_name;
  char *patient_line;
};

static const double checkup_widths[] = { 155, 120, 120, 120 };
static const double medication_widths[] = { 68, 190, 112, 35, 110 };
static const double screening_widths[] = { 105, 85, 110, 215 };

static void
block_free (Block *b)
{
  for (guint i = 0; i < MAX_CELLS; i++)
    g_free (b->cells[i]);
  for (guint i = 0; i < 2; i++)
    g_clear_pointer (&b->charts[i], techo_chart_model_unref);
  g_free (b);
}

static Block *
add_block (TechoReport *r,
           BlockKind    kind,
           double       height)
{
  Block *b = g_new0 (Block, 1);

  b->kind = kind;
  b->height = height;
  g_ptr_array_add (r->blocks, b);
  return b;
}

static void
add_text (TechoReport *r,
          const char  *text,
          int          flag)
{
  /* A warning may take two lines. */
  Block *b = add_block (r, BLOCK_TEXT, flag ? 2 * ROW + 4 : ROW);

  b->cells[0] = g_strdup (text);
  b->flags[0] = flag;
}

static Block *
add_row (TechoReport   *r,
         BlockKind      kind,
         const double  *widths,
         guint          n_cells)
{
  Block *b = add_block (r, kind, ROW);

  b->widths = widths;
  b->n_cells = n_cells;
  return b;
}

static char *
format_date (const char *iso)
{
  char *text = techo_reference_format_date (iso, FALSE);

  return text != NULL ? text : g_strdup (iso != NULL ? iso : "—");
}

static char *
item_text (const TechoItem *item)
{
  const char *display;

  if (item->type == TECHO_VALUE_CO || item->type == TECHO_VALUE_CD)
    {
      display = item->display != NULL ? item->display :
                techo_reference_item_value_display (item->code, item->value);
      /* A bare "−" on paper reads as a missing value: say it is negative. */
      if (g_strcmp0 (display, "−") == 0 || g_strcmp0 (display, "-") == 0)
        return g_strdup ("−（陰性）");
      return g_strdup (display != NULL ? display : item->value);
    }
  if (item->unit != NULL && item->type == TECHO_VALUE_PQ)
    return g_strdup_printf ("%s %s", item->value, item->unit);
  /* One line per cell: free text loses its line breaks here. */
  return g_strdelimit (g_strdup (item->value), "\r\n\t", ' ');
}

/* ---- layout ------------------------------------------------------------------- */

static void
layout_checkups (TechoReport          *r,
                 const TechoRecordSet *set)
{
  guint n = MIN (set->checkups->len, 3);
  const char *sex = techo_analysis_sex (set);
  const TechoAnalyte *analytes;
  guint n_analytes = 0;
  Block *b;

  b = add_block (r, BLOCK_SECTION, 26);
  b->cells[0] = g_strdup ("健診結果（最新と過去2回）");
  if (n == 0)
    {
      add_text (r, "健診の記録はありません。", 0);
      return;
    }
  b = add_row (r, BLOCK_HEADER, checkup_widths, n + 1);
  b->cells[0] = g_strdup ("項目");
  for (guint j = 0; j < n; j++)
    {
      const TechoCheckup *c = g_ptr_array_index (set->checkups, j);

      b->cells[j + 1] = format_date (c->performed_on);
      b->flags[j + 1] = j == 0; /* the latest, in bold */
    }

  analytes = techo_reference_analytes (&n_analytes);
  for (guint i = 0; i < n_analytes; i++)
    {
      const TechoAnalyte *a = &analytes[i];
      gboolean any = FALSE;

      if (a->group == TECHO_FORM_GROUP_QUESTIONNAIRE)
        continue;
      b = add_row (r, BLOCK_ROW, checkup_widths, n + 1);
      b->key = a->key;
      b->cells[0] = g_strdup (a->name_ja);
      for (guint j = 0; j < n; j++)
        {
          TechoReading reading;

          if (!techo_analysis_reading (g_ptr_array_index (set->checkups, j), a, sex, &reading))
            continue;
          any = TRUE;
          b->cells[j + 1] = item_text (reading.item);
          b->flags[j + 1] = reading.status;
        }
      if (!any)
        {
          g_ptr_array_remove_index (r->blocks, r->blocks->len - 1);
          continue;
        }
    }
  add_text (r, "△ 保健指導判定値　▲ 受診勧奨判定値（特定健診の判定基準による）", 0);
}

static void
layout_charts (TechoReport               *r,
               const TechoRecordSet      *set,
               const TechoReportOptions  *options)
{
  static const char * const default_keys[] = { "hba1c", "ldl", "sbp", "weight", NULL };
  const char * const *keys = options->analytes != NULL ? options->analytes : default_keys;
  Block *row = NULL;
  gboolean titled = FALSE;

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const TechoAnalyte *a = techo_reference_analyte (keys[i]);
      TechoChartModel *model;

      if (a == NULL || a->value_type != TECHO_VALUE_PQ)
        continue;
      model = techo_chart_model_new_for_analyte (set, a, a->name_ja, a->unit);
      if (techo_chart_model_get_n_points (model) == 0)
        {
          techo_chart_model_unref (model);
          continue;
        }
      if (!titled)
        {
          Block *b = add_block (r, BLOCK_SECTION, 26);

          b->cells[0] = g_strdup ("経過グラフ");
          titled = TRUE;
        }
      if (row == NULL || row->charts[1] != NULL)
        row = add_block (r, BLOCK_CHARTS, 170);
      row->charts[row->charts[0] == NULL ? 0 : 1] = model;
    }
}

static gint64
julian (const char *iso)
{
  GDate date;
  int y, m, d;

  if (iso == NULL || sscanf (iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return 0;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return g_date_get_julian (&date);
}

static void
layout_medications (TechoReport          *r,
                    const TechoRecordSet *set)
{
  g_autoptr(GPtrArray) current = g_ptr_array_new ();
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();    /* one per drug */
  g_autoptr(GHashTable) warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 latest = 0;
  Block *b;

  b = add_block (r, BLOCK_SECTION, 26);
  b->cells[0] = g_strdup ("現在の服薬（直近90日の調剤）");
  for (guint i = 0; i < set->dispensings->len; i++)
    latest = MAX (latest, julian (((TechoDispensing *) g_ptr_array_index (set->dispensings, i))->dispensed_on));
  for (guint i = 0; i < set->dispensings->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (set->dispensings, i);

      if (latest - julian (d->dispensed_on) <= CURRENT_MEDICATION_DAYS)
        g_ptr_array_add (current, d);
    }
  /* One line per drug: its latest dispensing (the set is newest first). */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < current->len; i++)
      {
        TechoDispensing *d = g_ptr_array_index (current, i);
        const char *drug = d->drug_name != NULL ? d->drug_name : "";

        if (g_hash_table_add (seen, (gpointer) drug))
          g_ptr_array_add (lines, d);
      }
  }
  if (current->len == 0)
    {
      add_text (r, "服薬の記録はありません。", 0);
      return;
    }
  b = add_row (r, BLOCK_HEADER, medication_widths, 5);
  b->cells[0] = g_strdup ("調剤日");
  b->cells[1] = g_strdup ("薬品名");
  b->cells[2] = g_strdup ("用法");
  b->cells[3] = g_strdup ("日数");
  b->cells[4] = g_strdup ("処方元");
  for (guint i = 0; i < lines->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (lines, i);

      b = add_row (r, BLOCK_ROW, medication_widths, 5);
      b->cells[0] = format_date (d->dispensed_on);
      b->cells[1] = g_strdup (d->drug_name);
      b->cells[2] = g_strdup (d->usage);
      b->cells[3] = g_strdup_printf ("%d", d->days);
      b->cells[4] = g_strdup (d->prescriber_name != NULL ? d->prescriber_name : d->pharmacy_name);
    }
  /* Duplicate therapy: the analysis' pairs (the same ingredient from
   * different prescribers, supplies overlapping), as the app warns. */
  {
    g_autoptr(GPtrArray) pairs = techo_analysis_duplicates (current, NULL, NULL);

    for (guint i = 0; i + 1 < pairs->len; i += 2)
      {
        TechoDispensing *a = g_ptr_array_index (pairs, i);
        TechoDispensing *c = g_ptr_array_index (pairs, i + 1);
        g_autofree char *key = g_strdup_printf ("%s\x1f%s", a->drug_name, c->drug_name);
        g_autofree char *text = NULL;

        if (!g_hash_table_add (warned, g_steal_pointer (&key)))
          continue;
        text = g_strdup_printf ("⚠ 同一成分の重複：%s（%s）と %s（%s）",
                                a->drug_name, a->prescriber_name ? a->prescriber_name : "—",
                                c->drug_name, c->prescriber_name ? c->prescriber_name : "—");
        add_text (r, text, 1);
      }
  }
  /* For the doctor only: another ingredient of the same therapeutic class
   * from a different prescriber may be a duplicate too. */
  for (guint i = 0; i < current->len; i++)
    for (guint j = i + 1; j < current->len; j++)
      {
        TechoDispensing *a = g_ptr_array_index (current, i);
        TechoDispensing *c = g_ptr_array_index (current, j);
        g_autofree char *key = NULL;
        g_autofree char *text = NULL;

        if (g_strcmp0 (a->prescriber_name, c->prescriber_name) == 0
            || techo_reference_same_ingredient (a->yj_code, c->yj_code)
            || !techo_reference_same_class (a->yj_code, c->yj_code))
          continue;
        key = g_strdup_printf ("%s\x1f%s", a->drug_name, c->drug_name);
        if (!g_hash_table_add (warned, g_steal_pointer (&key)))
          continue;
        text = g_strdup_printf ("⚠ 同効薬の重複の可能性：%s（%s）と %s（%s）",
                                a->drug_name, a->prescriber_name ? a->prescriber_name : "—",
                                c->drug_name, c->prescriber_name ? c->prescriber_name : "—");
        add_text (r, text, 1);
      }
}

static void
layout_screenings (TechoReport               *r,
                   const TechoRecordSet      *set,
                   const char                *today)
{
  Block *b;
  gboolean any = FALSE;

  b = add_block (r, BLOCK_SECTION, 26);
  b->cells[0] = g_strdup ("がん検診");
  b = add_row (r, BLOCK_HEADER, screening_widths, 4);
  b->cells[0] = g_strdup ("検診");
  b->cells[1] = g_strdup ("前回");
  b->cells[2] = g_strdup ("結果");
  b->cells[3] = g_strdup ("状態");
  for (guint c = 0; c < TECHO_N_CANCERS; c++)
    {
      g_auto(TechoScreeningSummary) summary = { 0 };
      const TechoCancerInfo *info;
      const TechoScreening *last;
      const char *due_on;
      TechoScreeningDue due;

      techo_analysis_screening (set, c, today, &summary);
      info = summary.info;
      last = summary.last;
      due = summary.due;
      due_on = summary.due_on;
      if (due == TECHO_SCREENING_NOT_ELIGIBLE && last == NULL)
        continue;
      any = TRUE;
      b = add_row (r, BLOCK_ROW, screening_widths, 4);
      b->cells[0] = g_strdup (info->name_ja);
      b->cells[1] = last != NULL ? format_date (last->performed_on) : g_strdup ("記録なし");
      /* "不要" alone says nothing on paper: what is not needed. */
      if (last != NULL && last->followup_display != NULL
          && g_str_equal (last->followup_display, "不要"))
        b->cells[2] = g_strdup ("精密検査不要");
      else
        b->cells[2] = g_strdup (last != NULL && last->followup_display != NULL ?
                                last->followup_display : "—");
      if (summary.followup_outstanding)
        {
          b->cells[3] = g_strdup ("要精密検査（精密検査の記録なし）");
          b->flags[3] = COLOUR_ONLY + TECHO_STATUS_SEE_DOCTOR;
        }
      else if (due == TECHO_SCREENING_NOT_YET)
        {
          g_autofree char *date = format_date (due_on);

          b->cells[3] = g_strdup_printf ("次回の目安 %s", date);
        }
      else if (due == TECHO_SCREENING_DUE)
        {
          b->cells[3] = g_strdup ("受診時期です");   /* as the app says */
          b->flags[3] = COLOUR_ONLY + TECHO_STATUS_GUIDANCE;
        }
      else if (due == TECHO_SCREENING_OVERDUE)
        {
          b->cells[3] = g_strdup ("受診時期を過ぎています");
          b->flags[3] = COLOUR_ONLY + TECHO_STATUS_GUIDANCE;
        }
      else
        b->cells[3] = g_strdup ("対象外");
    }
  if (!any)
    add_text (r, "対象となるがん検診はありません。", 0);
}

static void
paginate (TechoReport *r)
{
  double y = TOP;
  guint page = 0;

  for (guint i = 0; i < r->blocks->len; i++)
    {
      Block *b = g_ptr_array_index (r->blocks, i);
      Block *next = i + 1 < r->blocks->len ? g_ptr_array_index (r->blocks, i + 1) : NULL;
      /* Keep a heading with what follows it. */
      double need = b->height + (b->kind == BLOCK_SECTION && next != NULL ? next->height : 0);

      if (y + need > BOTTOM && y > TOP)
        {
          page++;
          y = TOP;
        }
      b->page = page;
      b->y = y;
      y += b->height;
    }
  r->n_pages = page + 1;
}

TechoReport *
techo_report_new (const TechoRecordSet      *set,
                  const TechoReportOptions  *options)
{
  TechoReport *r = g_new0 (TechoReport, 1);
  g_autofree char *today = NULL;
  g_autofree char *today_text = NULL;
  g_autofree char *birth = NULL;
  g_autofree char *created = NULL;
  g_autofree char *age_text = NULL;
  const TechoProfile *p = set->profile;
  const TechoConsent *consent = options->consent;
  int age;

  g_return_val_if_fail (set->profile != NULL && options->consent != NULL, NULL);

  if (options->today != NULL)
    today = g_strdup (options->today);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      today = g_date_time_format (now, "%Y-%m-%d");
    }
  today_text = format_date (today);
  birth = format_date (p->birth_date);
  age = techo_reference_age_on (p->birth_date, today);
  r->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  r->qr_text = g_strdup (options->qr_text);
  r->patient_name = g_strdup_printf ("%s%s%s%s", p->name ? p->name : "（氏名なし）",
                                     p->name_kana ? "（" : "", p->name_kana ? p->name_kana : "",
                                     p->name_kana ? "）" : "");
  age_text = age >= 0 ? g_strdup_printf ("（%d歳）", age) : g_strdup ("");
  r->patient_line = g_strdup_printf ("生年月日 %s%s　性別 %s", birth, age_text,
                                     g_strcmp0 (p->sex, "male") == 0 ? "男性" :
                                     g_strcmp0 (p->sex, "female") == 0 ? "女性" : "—");
  {
    g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (consent->created_at > 0 ?
                                                               consent->created_at : 0);
    g_autofree char *at_iso = at ? g_date_time_format (at, "%Y-%m-%d") : NULL;

    created = format_date (consent->created_at > 0 ? at_iso : NULL);
  }
  r->footer = g_strdup_printf ("作成日 %s　同意 #%" G_GINT64_FORMAT "（%s、%s、%s）",
                               today_text, consent->id, created,
                               consent->recipient ? consent->recipient : "—",
                               consent->purpose ? consent->purpose : "—");

  add_block (r, BLOCK_TITLE, 30);
  add_block (r, BLOCK_PATIENT, MAX (48, r->qr_text ? QR_SIZE + 8 : 0));
  if (set->checkups->len > 0 || techo_consent_has_category (consent, TECHO_CATEGORY_CHECKUP))
    {
      layout_checkups (r, set);
      layout_charts (r, set, options);
    }
  if (set->dispensings->len > 0 || techo_consent_has_category (consent, TECHO_CATEGORY_MEDICATION))
    layout_medications (r, set);
  if (set->screenings->len > 0 || techo_consent_has_category (consent, TECHO_CATEGORY_SCREENING))
    layout_screenings (r, set, today);
  paginate (r);
  return r;
}

void
techo_report_free (TechoReport *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->blocks, g_ptr_array_unref);
  g_free (r->footer);
  g_free (r->qr_text);
  g_free (r->patient_name);
  g_free (r->patient_line);
  g_free (r);
}

guint
techo_report_get_n_pages (TechoReport *r)
{
  return r->n_pages;
}

/* ---- drawing ------------------------------------------------------------------ */

static void
draw_text (cairo_t    *cr,
           double      x,
           double      y,
           double      width,
           const char *text,
           double      size,
           gboolean    bold,
           double      red,
           double      green,
           double      blue)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *font;

  if (text == NULL)
    return;
  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string (FONT);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgb (cr, red, green, blue);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* Up to two lines, wrapped, for warnings. */
static void
draw_wrapped (cairo_t    *cr,
              double      x,
              double      y,
              double      width,
              const char *text)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT);

  pango_font_description_set_absolute_size (font, 9 * PANGO_SCALE);
  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (layout, -2);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgb (cr, 0.80, 0.05, 0.10);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_status_cell (cairo_t    *cr,
                  double      x,
                  double      y,
                  double      width,
                  const char *text,
                  int         status)
{
  g_autofree char *marked = NULL;

  /* Screening states: the colour alone, the marks belong to checkups. */
  if (status >= COLOUR_ONLY)
    {
      gboolean red = status - COLOUR_ONLY == TECHO_STATUS_SEE_DOCTOR;

      draw_text (cr, x, y, width, text, 9, TRUE, red ? 0.80 : 0.60, red ? 0.05 : 0.40,
                 red ? 0.10 : 0.0);
      return;
    }
  switch (status)
    {
    case TECHO_STATUS_GUIDANCE:
      marked = g_strdup_printf ("%s △", text);
      draw_text (cr, x, y, width, marked, 9, TRUE, 0.60, 0.40, 0.0);
      break;
    case TECHO_STATUS_SEE_DOCTOR:
      marked = g_strdup_printf ("%s ▲", text);
      draw_text (cr, x, y, width, marked, 9, TRUE, 0.80, 0.05, 0.10);
      break;
    default:
      draw_text (cr, x, y, width, text, 9, FALSE, 0.1, 0.1, 0.12);
    }
}

static void
draw_block (TechoReport *r,
            cairo_t     *cr,
            Block       *b)
{
  double x = MARGIN, y = b->y;
  double width = TECHO_REPORT_PAGE_WIDTH - 2 * MARGIN;

  switch (b->kind)
    {
    case BLOCK_TITLE:
      draw_text (cr, x, y, width, "健康記録のご提供（医師用資料）", 16, TRUE, 0.1, 0.1, 0.12);
      break;
    case BLOCK_PATIENT:
      draw_text (cr, x, y + 2, width - QR_SIZE - 10, r->patient_name, 13, TRUE, 0.1, 0.1, 0.12);
      draw_text (cr, x, y + 22, width - QR_SIZE - 10, r->patient_line, 10, FALSE, 0.2, 0.2, 0.22);
      if (r->qr_text != NULL)
        {
          techo_qr_draw (cr, r->qr_text, TECHO_REPORT_PAGE_WIDTH - MARGIN - QR_SIZE, y,
                         QR_SIZE, NULL);
          draw_text (cr, x, y + 40, width - QR_SIZE - 10,
                     "右のQRコードから、同じ記録を暗号化されたリンクで受け取れます（期限付き）。",
                     8, FALSE, 0.35, 0.35, 0.38);
        }
      break;
    case BLOCK_SECTION:
      cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
      cairo_rectangle (cr, x, y + 8, 3, 14);
      cairo_fill (cr);
      draw_text (cr, x + 8, y + 6, width, b->cells[0], 12, TRUE, 0.1, 0.1, 0.12);
      break;
    case BLOCK_HEADER:
    case BLOCK_ROW:
      if (b->kind == BLOCK_HEADER)
        {
          cairo_set_source_rgb (cr, 0.92, 0.93, 0.95);
          cairo_rectangle (cr, x, y, width, ROW);
          cairo_fill (cr);
        }
      else
        {
          cairo_set_source_rgba (cr, 0, 0, 0, 0.12);
          cairo_set_line_width (cr, 0.5);
          cairo_move_to (cr, x, y + ROW);
          cairo_line_to (cr, x + width, y + ROW);
          cairo_stroke (cr);
        }
      for (guint i = 0; i < b->n_cells; i++)
        {
          if (b->kind == BLOCK_HEADER)
            draw_text (cr, x + 3, y + 1.5, b->widths[i] - 6, b->cells[i], 9, b->flags[i] || i == 0,
                       0.1, 0.1, 0.12);
          else
            draw_status_cell (cr, x + 3, y + 1.5, b->widths[i] - 6, b->cells[i], b->flags[i]);
          x += b->widths[i];
        }
      break;
    case BLOCK_TEXT:
      if (b->flags[0])
        draw_wrapped (cr, x, y + 1.5, width, b->cells[0]);
      else
        draw_text (cr, x, y + 1.5, width, b->cells[0], 8, FALSE, 0.35, 0.35, 0.38);
      break;
    case BLOCK_CHARTS:
      for (guint i = 0; i < 2 && b->charts[i] != NULL; i++)
        {
          TechoChartModel *model = b->charts[i];
          TechoChartStyle style;
          TechoChartFrame frame;
          const TechoChartPoint *points;
          guint n_points = 0;
          double cx = x + i * (width / 2 + 5);
          g_autofree char *title = NULL;

          techo_chart_style_init_default (&style);
          style.font_size = 7.5;
          style.guidance_label = "保健指導判定値";
          style.see_doctor_label = "受診勧奨判定値";
          points = techo_chart_model_get_points (model, &n_points);
          title = g_strdup_printf ("%s（%s）", techo_chart_model_get_title (model),
                                   techo_chart_model_get_unit (model));
          draw_text (cr, cx, y + 2, width / 2 - 5, title, 9, TRUE, 0.1, 0.1, 0.12);
          cairo_save (cr);
          cairo_translate (cr, cx, y + 18);
          techo_chart_frame_compute (&frame, model, &style, points[0].day - 60,
                                     points[n_points - 1].day + 60, width / 2 - 5, 145);
          techo_chart_render (cr, model, &frame, &style, -1);
          cairo_restore (cr);
        }
      break;
    default:
      break;
    }
}

void
techo_report_draw_page (TechoReport *r,
                        cairo_t     *cr,
                        guint        page)
{
  g_autofree char *page_text = g_strdup_printf ("%u / %u ページ", page + 1, r->n_pages);
  double width = TECHO_REPORT_PAGE_WIDTH - 2 * MARGIN;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (guint i = 0; i < r->blocks->len; i++)
    {
      Block *b = g_ptr_array_index (r->blocks, i);

      if (b->page == page)
        draw_block (r, cr, b);
    }
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, MARGIN, BOTTOM + 14);
  cairo_line_to (cr, MARGIN + width, BOTTOM + 14);
  cairo_stroke (cr);
  draw_text (cr, MARGIN, BOTTOM + 18, width - 80, r->footer, 8, FALSE, 0.3, 0.3, 0.33);
  draw_text (cr, MARGIN + width - 70, BOTTOM + 18, 70, page_text, 8, FALSE, 0.3, 0.3, 0.33);
  cairo_restore (cr);
}

GBytes *
techo_report_render_pdf (const TechoRecordSet      *set,
                         const TechoReportOptions  *options,
                         GError                   **error)
{
  g_autoptr(TechoReport) report = NULL;
  GByteArray *pdf = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  if (set->profile == NULL || options == NULL || options->consent == NULL)
    {
      g_byte_array_unref (pdf);
      g_set_error_literal (error, TECHO_REPORT_ERROR, TECHO_REPORT_ERROR_FAILED,
                           "A report needs a person and the consent it is made under.");
      return NULL;
    }
  report = techo_report_new (set, options);
  surface = cairo_pdf_surface_create_for_stream (techo_render_append_cb, pdf,
                                                 TECHO_REPORT_PAGE_WIDTH,
                                                 TECHO_REPORT_PAGE_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "健康記録のご提供");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Techo");
  cr = cairo_create (surface);
  for (guint page = 0; page < report->n_pages; page++)
    {
      techo_report_draw_page (report, cr, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (pdf);
      g_set_error (error, TECHO_REPORT_ERROR, TECHO_REPORT_ERROR_FAILED,
                   "The PDF could not be made: %s", cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (pdf);
}

const char *
techo_report_get_checkup_cell (TechoReport *report,
                               const char  *key,
                               guint        column,
                               TechoStatus *out_status)
{
  for (guint i = 0; i < report->blocks->len; i++)
    {
      Block *b = g_ptr_array_index (report->blocks, i);

      if (b->kind != BLOCK_ROW || g_strcmp0 (b->key, key) != 0 || column + 1 >= b->n_cells)
        continue;
      if (out_status != NULL)
        *out_status = (TechoStatus) b->flags[column + 1];
      return b->cells[column + 1];
    }
  return NULL;
}

TechoChartModel *
techo_report_get_chart (TechoReport *report,
                        const char  *key)
{
  for (guint i = 0; i < report->blocks->len; i++)
    {
      Block *b = g_ptr_array_index (report->blocks, i);

      for (guint k = 0; b->kind == BLOCK_CHARTS && k < 2; k++)
        if (b->charts[k] != NULL && g_strcmp0 (techo_chart_model_get_key (b->charts[k]), key) == 0)
          return b->charts[k];
    }
  return NULL;
}
