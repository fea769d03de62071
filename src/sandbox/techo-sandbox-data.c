/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-sandbox"

#include "config.h"

#include <math.h>
#include <string.h>

#include "techo-reference.h"
#include "techo-sandbox-data.h"

/* A small deterministic generator for demo data (splitmix64). It is never
 * used for tokens: those come from techo_random_token. */
typedef struct
{
  guint64 state;
} Rng;

typedef struct
{
  const char *code;
  const char *name;
} Party;

typedef struct
{
  const char *drug_name;
  const char *ingredient_name;
  const char *yj_code;     /* NULL where we are not sure of the code */
  double quantity;         /* per day */
  const char *unit;
  const char *usage;
  const char *dosage_form; /* JAHIS 剤形: 1 内服 */
} Drug;

/* Real products; YJ codes as listed in the public package-insert index.
 * Receipt (レセプト電算) codes are left out: we could not check them. */
static const Drug drugs[] = {
#define DRUG_AMLODIPINE 0
  { "ノルバスク錠2.5mg", "アムロジピンベシル酸塩", "2171022F1029", 1, "錠", "1日1回 朝食後", "1" },
#define DRUG_METFORMIN 1
  { "メトグルコ錠250mg", "メトホルミン塩酸塩", "3962002F2027", 2, "錠", "1日2回 朝夕食後", "1" },
#define DRUG_ATORVASTATIN 2
  { "リピトール錠10mg", "アトルバスタチンカルシウム水和物", "2189015F2020", 1, "錠", "1日1回 夕食後", "1" },
#define DRUG_LOXONIN 3
  { "ロキソニン錠60mg", "ロキソプロフェンナトリウム水和物", "1149019F1560", 3, "錠", "1日3回 毎食後", "1" },
#define DRUG_LOXOPROFEN_TCK 4
  { "ロキソプロフェンNa錠60mg「TCK」", "ロキソプロフェンナトリウム水和物", "1149019F1706", 2, "錠", "1日2回 朝夕食後", "1" },
#define DRUG_FEXOFENADINE 5
  { "フェキソフェナジン塩酸塩錠60mg「サワイ」", "フェキソフェナジン塩酸塩", "4490023F1270", 2, "錠", "1日2回 朝夕食後", "1" },
#define DRUG_MAGNESIUM 6
  { "酸化マグネシウム錠330mg", "酸化マグネシウム", NULL, 3, "錠", "1日3回 毎食後", "1" },
#define DRUG_REBAMIPIDE 7
  { "レバミピド錠100mg", "レバミピド", NULL, 3, "錠", "1日3回 毎食後", "1" },
};

static const Party checkup_centres[] = {
  { "1311000017", "千代田健診センター" },
  { "1311000025", "丸の内総合健診クリニック" },
  { "1311000033", "世田谷区医師会健診センター" },
};

static const Party clinics[] = {
  { "1311100015", "さくら内科クリニック" },     /* 内科 */
  { "1311100023", "青葉整形外科" },             /* 整形外科 */
  { "1311100031", "みなみ耳鼻咽喉科クリニック" }, /* 耳鼻咽喉科 */
};
static const char * const clinic_departments[] = { "内科", "整形外科", "耳鼻咽喉科" };

static const Party pharmacies[] = {
  { "1341000011", "ひまわり薬局 本町店" },
  { "1341000029", "みどり調剤薬局" },
  { "1341000037", "あおい薬局 駅前店" },
};

static const Party municipalities[] = {
  { "131016", "千代田区" },
  { "131121", "世田谷区" },
};

/* --- Helpers ------------------------------------------------------------ */

static guint64
rng_next (Rng *rng)
{
  guint64 z = (rng->state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static double
rng_double (Rng *rng)
{
  return (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

static int
rng_range (Rng *rng,
           int  lo,
           int  hi)
{
  return lo + (int) (rng_next (rng) % (guint64) (hi - lo + 1));
}

/* Roughly normal noise of standard deviation @sd. */
static double
rng_noise (Rng    *rng,
           double  sd)
{
  double sum = 0;

  for (int i = 0; i < 4; i++)
    sum += rng_double (rng) - 0.5;
  return sum * sd * 1.732;
}

static void
rng_init (Rng        *rng,
          guint64     seed,
          const char *name)
{
  guint64 hash = G_GUINT64_CONSTANT (1469598103934665603);

  for (const char *p = name; *p != '\0'; p++)
    hash = (hash ^ (guchar) *p) * G_GUINT64_CONSTANT (1099511628211);
  rng->state = seed ^ hash;
  rng_next (rng);
}

/* A generator of its own for each course of events, so that moving
 * --today forward only adds to the history, never rewrites it. */
static void
rng_for (Rng                       *rng,
         const TechoSandboxCitizen *citizen,
         const char                *what)
{
  g_autofree char *name = g_strdup_printf ("%s/%s", citizen->id, what);

  rng_init (rng, citizen->options->seed, name);
}

static char *
date_string (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date));
}

static void
date_set (GDate *date,
          int    year,
          int    month,
          int    day)
{
  g_date_clear (date, 1);
  if (day > g_date_get_days_in_month (month, year))
    day = g_date_get_days_in_month (month, year);
  g_date_set_dmy (date, day, month, year);
}

static gboolean
is_published (const GDate             *publish_on,
              const TechoSandboxDataOptions *options)
{
  return g_date_compare (publish_on, &options->today) <= 0;
}

static char *
format_number (double value,
               guint  decimals)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, decimals == 0 ? "%.0f" : "%.1f",
                                    value));
}

static TechoItem *
make_item (const char *key,
           const char *value)
{
  const TechoAnalyte *analyte = techo_reference_analyte (key);
  TechoItem *item = techo_item_new ();

  g_assert (analyte != NULL);
  item->code = g_strdup (analyte->codes[0]);
  item->name = g_strdup (analyte->name_ja);
  item->type = analyte->value_type;
  item->value = g_strdup (value);
  item->unit = g_strdup (analyte->unit);
  if (analyte->value_type == TECHO_VALUE_CO || analyte->value_type == TECHO_VALUE_CD)
    {
      const char *display;

      item->value_system = g_strdup (analyte->value_system);
      display = techo_reference_item_value_display (item->code, value);
      item->display = g_strdup (display);
      g_clear_pointer (&item->unit, g_free);
    }
  return item;
}

static void
add_number (TechoCheckup *checkup,
            const char   *key,
            double        value)
{
  const TechoAnalyte *analyte = techo_reference_analyte (key);
  g_autofree char *text = format_number (value, analyte->decimals);

  g_ptr_array_add (checkup->items, make_item (key, text));
}

static void
add_code (TechoCheckup *checkup,
          const char   *key,
          const char   *value)
{
  g_ptr_array_add (checkup->items, make_item (key, value));
}

static TechoItem *
screening_item (const char *code,
                const char *name,
                const char *value_system,
                const char *value)
{
  TechoItem *item = techo_item_new ();

  item->code = g_strdup (code);
  item->name = g_strdup (name);
  item->type = TECHO_VALUE_CO;
  item->value = g_strdup (value);
  item->value_system = g_strdup (value_system);
  item->display = g_strdup (techo_reference_code_display (value_system, value));
  if (item->display == NULL)
    item->display = g_strdup (techo_reference_item_value_display (code, value));
  return item;
}

/* --- Checkups ----------------------------------------------------------- */

typedef struct
{
  double sbp, dbp, weight, height, waist, hba1c, glucose, tg, hdl, ldl, ast, alt, ggt;
  gboolean on_bp, on_glucose, on_lipid, smoker;
} Vitals;

static TechoCheckup *
make_checkup (TechoSandboxCitizen *citizen,
              const GDate         *performed,
              const char          *kind,
              const Party         *centre,
              const Vitals        *v,
              int                  age,
              guint                sequence)
{
  TechoCheckup *checkup = techo_checkup_new ();
  g_autofree char *date = date_string (performed);
  const char *sex = citizen->profile->sex;
  TechoMetabolicResult metabolic;
  TechoGuidanceLevel level;
  double bmi = v->weight / ((v->height / 100) * (v->height / 100));

  checkup->id = g_strdup_printf ("chk-%s-%s-%u", citizen->id, date, sequence);
  checkup->revision = 1;
  checkup->performed_on = g_strdup (date);
  checkup->kind = g_strdup (kind);
  if (g_str_equal (kind, "010"))
    checkup->report_kind = g_strdup ("10");
  checkup->institution_code = g_strdup (centre->code);
  checkup->institution_name = g_strdup (centre->name);
  checkup->document = g_strdup_printf ("/api/v1/checkups/%s/document", checkup->id);
  checkup->provenance.origin = TECHO_ORIGIN_PORTAL;

  add_number (checkup, "height", v->height);
  add_number (checkup, "weight", v->weight);
  add_number (checkup, "bmi", round (bmi * 10) / 10);
  add_number (checkup, "waist", v->waist);
  add_number (checkup, "sbp", round (v->sbp));
  add_number (checkup, "dbp", round (v->dbp));
  add_number (checkup, "tg_fasting", round (v->tg));
  add_number (checkup, "hdl", round (v->hdl));
  add_number (checkup, "ldl", round (v->ldl));
  add_number (checkup, "ast", round (v->ast));
  add_number (checkup, "alt", round (v->alt));
  add_number (checkup, "ggt", round (v->ggt));
  add_number (checkup, "glucose_fasting", round (v->glucose));
  add_number (checkup, "hba1c", round (v->hba1c * 10) / 10);
  add_code (checkup, "blood_sampling_time", "2");
  add_code (checkup, "urine_glucose", v->glucose >= 160 ? "2" : "1");
  add_code (checkup, "urine_protein", v->sbp >= 145 ? "2" : "1");
  add_code (checkup, "med_bp", v->on_bp ? "1" : "2");
  add_code (checkup, "med_glucose", v->on_glucose ? "1" : "2");
  add_code (checkup, "med_lipid", v->on_lipid ? "1" : "2");
  add_code (checkup, "smoking", v->smoker ? "1" : "3");

  if (g_str_equal (kind, "010"))
    {
      metabolic = techo_reference_metabolic (checkup, sex);
      level = techo_reference_guidance_level (checkup, sex, age);
      add_code (checkup, "metabolic_syndrome", techo_metabolic_result_to_code (metabolic));
      add_code (checkup, "guidance_level", techo_guidance_level_to_code (level));
    }
  {
    const char *opinion = "異常なし";

    if (v->hba1c >= 6.5 || v->sbp >= 140)
      opinion = "要医療（かかりつけ医で治療を継続してください）";
    else if (v->hba1c >= 5.6 || v->sbp >= 130 || v->ldl >= 140)
      opinion = "要指導（生活習慣の改善をおすすめします）";
    g_ptr_array_add (checkup->items, make_item ("doctor_opinion", opinion));
  }
  return checkup;
}

/* A checkup reaches the portal about two months after it was done. */
static void
publish_checkup (TechoSandboxCitizen *citizen,
                 TechoCheckup        *checkup,
                 const GDate         *performed)
{
  GDate publish = *performed;

  g_date_add_days (&publish, 60);
  if (is_published (&publish, citizen->options))
    g_ptr_array_add (citizen->records[TECHO_CATEGORY_CHECKUP], checkup);
  else
    techo_checkup_free (checkup);
}

static int
age_on (const TechoProfile *profile,
        const GDate        *date)
{
  g_autofree char *iso = date_string (date);

  return techo_reference_age_on (profile->birth_date, iso);
}

/* --- Medication --------------------------------------------------------- */

static TechoDispensing *
make_dispensing (const char  *id,
                 const char  *source,
                 const GDate *dispensed,
                 const Party *pharmacy,
                 guint        clinic,
                 const Drug  *drug,
                 int          days)
{
  TechoDispensing *d = techo_dispensing_new ();
  GDate prescribed = *dispensed;

  d->id = g_strdup (id);
  d->revision = 1;
  d->source = g_strdup (source);
  d->dispensed_on = date_string (dispensed);
  d->prescribed_on = date_string (&prescribed);
  d->setting = g_strdup ("outpatient");
  d->pharmacy_code = g_strdup (pharmacy->code);
  d->pharmacy_name = g_strdup (pharmacy->name);
  d->prescriber_code = g_strdup (clinics[clinic].code);
  d->prescriber_name = g_strdup (clinics[clinic].name);
  d->prescriber_department = g_strdup (clinic_departments[clinic]);
  d->yj_code = g_strdup (drug->yj_code);
  d->drug_name = g_strdup (drug->drug_name);
  d->ingredient_name = g_strdup (drug->ingredient_name);
  d->quantity = drug->quantity;
  d->unit = g_strdup (drug->unit);
  d->usage = g_strdup (drug->usage);
  d->days = days;
  d->dosage_form = g_strdup (drug->dosage_form);
  d->provenance.origin = TECHO_ORIGIN_PORTAL;
  return d;
}

/* The internist's pharmacy (pharmacies[0]) sends e-prescription
 * dispensing data for what it dispensed from E_RX_FROM; it sent the backlog
 * on E_RX_BACKFILL, so claims published before that day get superseded
 * (withdrawn) on it. Fixed dates: the history does not move with --today. */
#define E_RX_FROM_YEAR 2025
#define E_RX_FROM_MONTH 6
#define E_RX_BACKFILL_MONTH 9

/* Publishes one drug line the way the portal would on options->today:
 * the claims record ~45 days after the service month; where the pharmacy
 * sends e-prescription data, the dispensing record too, and the claims
 * record is then withdrawn. @key makes the id unique within the citizen. */
static void
publish_line (TechoSandboxCitizen *citizen,
              Rng                 *rng,
              const char          *key,
              const GDate         *dispensed,
              const Party         *pharmacy,
              guint                clinic,
              const Drug          *drug,
              int                  days)
{
  const TechoSandboxDataOptions *options = citizen->options;
  GPtrArray *records = citizen->records[TECHO_CATEGORY_MEDICATION];
  g_autofree char *date = date_string (dispensed);
  g_autofree char *claims_id = NULL;
  g_autofree char *dispensing_id = NULL;
  GDate claims_on, dispensing_on, e_rx_from, backfill;
  gboolean has_dispensing;
  /* Drawn whether or not the line is published yet. */
  gboolean corrected = rng_double (rng) < 0.04;

  claims_id = g_strdup_printf ("med-%s-c-%s-%s-%s", citizen->id, date, pharmacy->code + 6, key);
  dispensing_id = g_strdup_printf ("med-%s-d-%s-%s-%s", citizen->id, date, pharmacy->code + 6, key);

  date_set (&claims_on, g_date_get_year (dispensed), g_date_get_month (dispensed), 1);
  g_date_add_months (&claims_on, 1);
  g_date_add_days (&claims_on, 44);

  date_set (&e_rx_from, E_RX_FROM_YEAR, E_RX_FROM_MONTH, 1);
  date_set (&backfill, E_RX_FROM_YEAR, E_RX_BACKFILL_MONTH, 1);
  has_dispensing = pharmacy == &pharmacies[0] && g_date_compare (dispensed, &e_rx_from) >= 0;
  if (has_dispensing)
    {
      dispensing_on = *dispensed;
      g_date_add_days (&dispensing_on, 2);
      if (g_date_compare (&dispensing_on, &backfill) < 0)
        dispensing_on = backfill;
    }

  if (has_dispensing && is_published (&dispensing_on, options))
    {
      g_ptr_array_add (records, make_dispensing (dispensing_id, "dispensing", dispensed,
                                                 pharmacy, clinic, drug, days));
      if (is_published (&claims_on, options))
        {
          TechoDispensing *gone = make_dispensing (claims_id, "claims", dispensed,
                                                   pharmacy, clinic, drug, days);

          gone->withdrawn = TRUE;
          gone->revision = corrected ? 3 : 2;
          g_ptr_array_add (records, gone);
        }
    }
  else if (is_published (&claims_on, options))
    {
      TechoDispensing *claim = make_dispensing (claims_id, "claims", dispensed,
                                                pharmacy, clinic, drug, days);
      GDate corrected_on = claims_on;

      /* Now and then the insurer corrects a claim a month later. */
      g_date_add_days (&corrected_on, 30);
      if (corrected && is_published (&corrected_on, options))
        {
          claim->revision = 2;
          claim->days = days + 7;
        }
      g_ptr_array_add (records, claim);
    }
}

/* Repeats a prescription every @every_days from @start until @end or
 * today, with its own generator. */
static void
publish_course (TechoSandboxCitizen *citizen,
                const GDate         *start,
                const GDate         *end,
                int                  every_days,
                const Party         *pharmacy,
                guint                clinic,
                guint                drug_index)
{
  g_autofree char *start_text = date_string (start);
  g_autofree char *course = g_strdup_printf ("course-%s-%u-%u", start_text, clinic, drug_index);
  g_autofree char *key = g_strdup_printf ("%u", drug_index);
  GDate date = *start;
  Rng rng;

  rng_for (&rng, citizen, course);
  while (g_date_compare (&date, end) <= 0
         && g_date_compare (&date, &citizen->options->today) <= 0)
    {
      GDate visit = date;

      /* Visits on weekends move to Monday. */
      if (g_date_get_weekday (&visit) == G_DATE_SATURDAY)
        g_date_add_days (&visit, 2);
      else if (g_date_get_weekday (&visit) == G_DATE_SUNDAY)
        g_date_add_days (&visit, 1);
      if (g_date_compare (&visit, &citizen->options->today) <= 0)
        publish_line (citizen, &rng, key, &visit, pharmacy, clinic, &drugs[drug_index],
                      every_days);
      g_date_add_days (&date, every_days + rng_range (&rng, -2, 2));
    }
}

/* --- Screenings --------------------------------------------------------- */

static TechoScreening *
make_screening (TechoSandboxCitizen *citizen,
                const GDate         *performed,
                TechoCancer          cancer,
                const char          *stage,
                const char          *value,
                const Party         *municipality)
{
  const TechoCancerInfo *info = techo_reference_cancer (cancer);
  TechoScreening *s = techo_screening_new ();
  g_autofree char *date = date_string (performed);
  gboolean detailed = g_str_equal (stage, "detailed");

  s->id = g_strdup_printf ("scr-%s-%s-%s-%s", citizen->id, info->key, date,
                           detailed ? "d" : "p");
  s->revision = 1;
  s->performed_on = g_strdup (date);
  s->cancer = g_strdup (info->key);
  s->report_kind = g_strdup (info->report_kind);
  s->stage = g_strdup (stage);
  s->municipality_code = g_strdup (municipality->code);
  s->municipality_name = g_strdup (municipality->name);
  s->provenance.origin = TECHO_ORIGIN_PORTAL;

  if (detailed)
    {
      /* Detailed-exam result: 1 異常認めず. */
      g_ptr_array_add (s->items, screening_item (info->detailed_code, "精密検査結果",
                                                 NULL, value));
      {
        TechoItem *item = g_ptr_array_index (s->items, 0);

        if (item->display == NULL && g_str_equal (value, "1"))
          item->display = g_strdup ("異常認めず");
      }
      return s;
    }

  g_ptr_array_add (s->items, screening_item (info->items[0].code, info->items[0].name_ja,
                                             info->items[0].value_system, value));
  {
    gboolean positive = FALSE;
    const char *followup;

    for (guint i = 0; info->items[0].positive[i] != NULL; i++)
      if (g_str_equal (info->items[0].positive[i], value))
        positive = TRUE;
    followup = positive ? "2" : "1";
    s->followup_code = g_strdup (info->followup_code);
    s->followup_value = g_strdup (followup);
    s->followup_display = g_strdup (positive ? "要精密検査" : "精密検査不要");
  }
  return s;
}

static void
publish_screening (TechoSandboxCitizen *citizen,
                   TechoScreening      *screening,
                   const GDate         *performed)
{
  GDate publish = *performed;

  g_date_add_days (&publish, 60);
  if (is_published (&publish, citizen->options))
    g_ptr_array_add (citizen->records[TECHO_CATEGORY_SCREENING], screening);
  else
    techo_screening_free (screening);
}

/* --- The citizens ------------------------------------------------------- */

static gboolean
on_or_before_today (const TechoSandboxCitizen *citizen,
                    const GDate               *date)
{
  return g_date_compare (date, &citizen->options->today) <= 0;
}

/* Born 1968-04-02 (58 on 2026-11-25): a 特定健診 every June from 2010
 * (17 by late 2026) with BP, weight and HbA1c drifting upward; amlodipine
 * from the month after SBP first reaches 140, metformin after HbA1c first
 * reaches 6.5; stomach and colorectal screening from 50, one positive
 * stomach X-ray (2023) cleared by a detailed exam. */
static void
generate_yamada (TechoSandboxCitizen *citizen)
{
  const TechoSandboxDataOptions *o = citizen->options;
  GDate bp_start, glucose_start;
  gboolean bp_started = FALSE, glucose_started = FALSE;

  g_date_clear (&bp_start, 1);
  g_date_clear (&glucose_start, 1);
  for (int year = 2010; year <= (int) g_date_get_year (&o->today); year++)
    {
      g_autofree char *what = g_strdup_printf ("checkup-%d", year);
      int i = year - 2010;
      double t = i / 16.0;
      Vitals v = { 0 };
      GDate performed;
      Rng rng;

      rng_for (&rng, citizen, what);
      date_set (&performed, year, 6, 10 + rng_range (&rng, 0, 10));
      if (!on_or_before_today (citizen, &performed))
        break;
      v.height = 170.4 - 0.05 * i;
      v.weight = 68 + 11 * t + rng_noise (&rng, 0.8);
      v.waist = 82 + 10 * t + rng_noise (&rng, 1.0);
      v.sbp = 122 + 26 * t + rng_noise (&rng, 4);
      v.dbp = 76 + 14 * t + rng_noise (&rng, 3);
      v.hba1c = 5.4 + 1.5 * t * t + rng_noise (&rng, 0.1);
      v.glucose = 92 + 36 * t * t + rng_noise (&rng, 4);
      v.tg = 120 + 60 * t + rng_noise (&rng, 20);
      v.hdl = 55 - 10 * t + rng_noise (&rng, 3);
      v.ldl = 125 + 20 * t + rng_noise (&rng, 8);
      v.ast = 22 + 8 * t + rng_noise (&rng, 3);
      v.alt = 24 + 12 * t + rng_noise (&rng, 4);
      v.ggt = 40 + 30 * t + rng_noise (&rng, 6);
      v.on_bp = bp_started;
      v.on_glucose = glucose_started;
      v.smoker = i < 6;
      if (bp_started)
        v.sbp -= 8, v.dbp -= 4;

      {
        TechoCheckup *checkup = make_checkup (citizen, &performed, "010", &checkup_centres[0],
                                              &v, age_on (citizen->profile, &performed), 1);
        GDate corrected_on = performed;

        /* The centre corrected the 2021 record half a year after the
         * checkup (LDL re-measured). */
        g_date_add_months (&corrected_on, 6);
        if (year == 2021 && on_or_before_today (citizen, &corrected_on))
          {
            for (guint k = 0; k < checkup->items->len; k++)
              {
                TechoItem *item = g_ptr_array_index (checkup->items, k);

                if (g_str_equal (item->code, techo_reference_analyte ("ldl")->codes[0]))
                  {
                    g_free (item->value);
                    item->value = format_number (round (v.ldl) - 10, 0);
                  }
              }
            checkup->revision = 2;
          }
        publish_checkup (citizen, checkup, &performed);
      }

      if (!bp_started && v.sbp >= 140)
        {
          bp_started = TRUE;
          bp_start = performed;
          g_date_add_months (&bp_start, 1);
        }
      if (!glucose_started && v.hba1c >= 6.5)
        {
          glucose_started = TRUE;
          glucose_start = performed;
          g_date_add_months (&glucose_start, 1);
        }

      if (age_on (citizen->profile, &performed) >= 50)
        {
          GDate when = performed;
          gboolean positive = (year == 2023);

          g_date_add_months (&when, 3);
          if (on_or_before_today (citizen, &when))
            publish_screening (citizen,
                               make_screening (citizen, &when, TECHO_CANCER_STOMACH, "primary",
                                               positive ? "2" : "1", &municipalities[0]),
                               &when);
          if (positive)
            {
              GDate detailed = when;

              g_date_add_days (&detailed, 35);
              if (on_or_before_today (citizen, &detailed))
                publish_screening (citizen,
                                   make_screening (citizen, &detailed, TECHO_CANCER_STOMACH,
                                                   "detailed", "1", &municipalities[0]),
                                   &detailed);
            }
          g_date_add_days (&when, 7);
          if (on_or_before_today (citizen, &when))
            publish_screening (citizen,
                               make_screening (citizen, &when, TECHO_CANCER_COLORECTAL,
                                               "primary", "1", &municipalities[0]),
                               &when);
        }
    }

  if (bp_started)
    publish_course (citizen, &bp_start, &o->today, 28, &pharmacies[0], 0, DRUG_AMLODIPINE);
  if (glucose_started)
    publish_course (citizen, &glucose_start, &o->today, 28, &pharmacies[0], 0, DRUG_METFORMIN);
}

/* Born 1981-08-19 (45 on 2026-11-25): a checkup every October from 2017,
 * from her employer until 40, 特定健診 from 40; breast and cervical
 * screening in even years from 40, an ASC-US in 2024 cleared by a detailed
 * exam; fexofenadine every spring from 2019. */
static void
generate_sato (TechoSandboxCitizen *citizen)
{
  const TechoSandboxDataOptions *o = citizen->options;
  int this_year = g_date_get_year (&o->today);

  for (int year = 2017; year <= this_year; year++)
    {
      g_autofree char *what = g_strdup_printf ("checkup-%d", year);
      GDate performed;
      Vitals v = { 0 };
      double t = (year - 2017) / 9.0;
      int age;
      Rng rng;

      rng_for (&rng, citizen, what);
      date_set (&performed, year, 10, 3 + rng_range (&rng, 0, 20));
      if (!on_or_before_today (citizen, &performed))
        break;
      age = age_on (citizen->profile, &performed);
      v.height = 158.2;
      v.weight = 52 + 2 * t + rng_noise (&rng, 0.6);
      v.waist = 70 + 3 * t + rng_noise (&rng, 1);
      v.sbp = 112 + 6 * t + rng_noise (&rng, 4);
      v.dbp = 70 + 4 * t + rng_noise (&rng, 3);
      v.hba1c = 5.2 + 0.2 * t + rng_noise (&rng, 0.08);
      v.glucose = 88 + 4 * t + rng_noise (&rng, 3);
      v.tg = 80 + rng_noise (&rng, 15);
      v.hdl = 68 + rng_noise (&rng, 4);
      v.ldl = 110 + 25 * t + rng_noise (&rng, 8);
      v.ast = 18 + rng_noise (&rng, 2);
      v.alt = 15 + rng_noise (&rng, 2);
      v.ggt = 18 + rng_noise (&rng, 3);
      publish_checkup (citizen,
                       make_checkup (citizen, &performed, age >= 40 ? "010" : "030",
                                     age >= 40 ? &checkup_centres[2] : &checkup_centres[1],
                                     &v, age, 1),
                       &performed);

      if (age >= 40 && year % 2 == 0)
        {
          GDate when;
          gboolean ascus = (year == 2024);

          date_set (&when, year, 11, 8);
          if (!on_or_before_today (citizen, &when))
            continue;
          publish_screening (citizen,
                             make_screening (citizen, &when, TECHO_CANCER_BREAST, "primary",
                                             "1", &municipalities[1]),
                             &when);
          g_date_add_days (&when, 1);
          if (on_or_before_today (citizen, &when))
            publish_screening (citizen,
                               make_screening (citizen, &when, TECHO_CANCER_CERVICAL, "primary",
                                               ascus ? "2" : "1", &municipalities[1]),
                               &when);
          g_date_add_days (&when, 42);
          if (ascus && on_or_before_today (citizen, &when))
            publish_screening (citizen,
                               make_screening (citizen, &when, TECHO_CANCER_CERVICAL,
                                               "detailed", "1", &municipalities[1]),
                               &when);
        }
    }

  /* Hay fever: fexofenadine from early February to April. */
  for (int year = 2019; year <= this_year; year++)
    {
      GDate start, end;

      date_set (&start, year, 2, 5 + (year * 7) % 10);
      date_set (&end, year, 4, 10);
      publish_course (citizen, &start, &end, 28, &pharmacies[2], 2, DRUG_FEXOFENADINE);
    }
}

/* Born 1950-01-15 (76 on 2026-11-25): from 2023-11 an internist's four
 * drugs every 28 days at ひまわり薬局 (which sends e-prescription data); from
 * 2025-03 an orthopaedist's Loxonin and magnesium oxide every 14 days at
 * みどり調剤薬局; from 2025-11 the internist adds loxoprofen as well: the same
 * ingredient from two clinics with overlapping supply. */
static void
generate_suzuki (TechoSandboxCitizen *citizen)
{
  const TechoSandboxDataOptions *o = citizen->options;
  GDate start, ortho, overlap;

  date_set (&start, 2023, 11, 27);
  date_set (&ortho, 2025, 3, 24);
  date_set (&overlap, 2025, 11, 25);
  publish_course (citizen, &start, &o->today, 28, &pharmacies[0], 0, DRUG_AMLODIPINE);
  publish_course (citizen, &start, &o->today, 28, &pharmacies[0], 0, DRUG_ATORVASTATIN);
  publish_course (citizen, &start, &o->today, 28, &pharmacies[0], 0, DRUG_METFORMIN);
  publish_course (citizen, &start, &o->today, 28, &pharmacies[0], 0, DRUG_REBAMIPIDE);
  publish_course (citizen, &overlap, &o->today, 28, &pharmacies[0], 0, DRUG_LOXOPROFEN_TCK);
  publish_course (citizen, &ortho, &o->today, 14, &pharmacies[1], 1, DRUG_LOXONIN);
  publish_course (citizen, &ortho, &o->today, 14, &pharmacies[1], 1, DRUG_MAGNESIUM);
}

/* Sized by flags, for benchmarks: many claims lines ending at today's
 * month, and a checkup each June. */
static void
generate_bulk (TechoSandboxCitizen *citizen)
{
  const TechoSandboxDataOptions *o = citizen->options;
  GDate month;
  guint n_months = o->bulk_years * 12;
  Rng rng;

  rng_for (&rng, citizen, "bulk");
  date_set (&month, g_date_get_year (&o->today), g_date_get_month (&o->today), 1);
  g_date_subtract_months (&month, n_months);

  for (guint m = 0; m < n_months; m++)
    {
      int days_in_month = g_date_get_days_in_month (g_date_get_month (&month),
                                                    g_date_get_year (&month));

      for (guint k = 0; k < o->bulk_dispensings_per_month; k++)
        {
          GDate day = month;
          guint pick = rng_next (&rng) % G_N_ELEMENTS (drugs);
          g_autofree char *key = g_strdup_printf ("%u-%u", m, k);

          g_date_add_days (&day, rng_range (&rng, 0, days_in_month - 1));
          /* Claims only: pharmacies 1 and 2. */
          publish_line (citizen, &rng, key, &day, &pharmacies[1 + k % 2],
                        k % G_N_ELEMENTS (clinics), &drugs[pick], 28);
        }

      if (g_date_get_month (&month) == 6)
        {
          Vitals v = { 0 };
          GDate performed = month;

          g_date_add_days (&performed, 14);
          v.height = 165;
          v.weight = 60 + rng_noise (&rng, 2);
          v.waist = 80 + rng_noise (&rng, 2);
          v.sbp = 125 + rng_noise (&rng, 8);
          v.dbp = 78 + rng_noise (&rng, 5);
          v.hba1c = 5.6 + rng_noise (&rng, 0.2);
          v.glucose = 98 + rng_noise (&rng, 6);
          v.tg = 130 + rng_noise (&rng, 25);
          v.hdl = 55 + rng_noise (&rng, 5);
          v.ldl = 125 + rng_noise (&rng, 10);
          v.ast = 22 + rng_noise (&rng, 3);
          v.alt = 22 + rng_noise (&rng, 3);
          v.ggt = 35 + rng_noise (&rng, 5);
          publish_checkup (citizen,
                           make_checkup (citizen, &performed, "010", &checkup_centres[0], &v,
                                         age_on (citizen->profile, &performed), 1),
                           &performed);
        }
      g_date_add_months (&month, 1);
    }
}

/* --- Public API --------------------------------------------------------- */

const char *
techo_sandbox_record_date (TechoCategory category,
                           gconstpointer record)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      return ((const TechoCheckup *) record)->performed_on;
    case TECHO_CATEGORY_MEDICATION:
      return ((const TechoDispensing *) record)->dispensed_on;
    case TECHO_CATEGORY_SCREENING:
      return ((const TechoScreening *) record)->performed_on;
    case TECHO_N_CATEGORIES:
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char *
record_id (TechoCategory category,
           gconstpointer record)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      return ((const TechoCheckup *) record)->id;
    case TECHO_CATEGORY_MEDICATION:
      return ((const TechoDispensing *) record)->id;
    case TECHO_CATEGORY_SCREENING:
    default:
      return ((const TechoScreening *) record)->id;
    }
}

static TechoCategory sort_category;

static int
compare_records (gconstpointer a,
                 gconstpointer b)
{
  gconstpointer ra = *(gconstpointer *) a;
  gconstpointer rb = *(gconstpointer *) b;
  int by_date = strcmp (techo_sandbox_record_date (sort_category, ra),
                        techo_sandbox_record_date (sort_category, rb));

  if (by_date != 0)
    return by_date;
  return strcmp (record_id (sort_category, ra), record_id (sort_category, rb));
}

void
techo_sandbox_data_options_init (TechoSandboxDataOptions *options)
{
  GDateTime *now = g_date_time_new_now_utc ();

  memset (options, 0, sizeof *options);
  options->seed = 1;
  g_date_clear (&options->today, 1);
  g_date_set_dmy (&options->today, g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now), g_date_time_get_year (now));
  options->bulk_years = 40;
  options->bulk_dispensings_per_month = 110;
  g_date_time_unref (now);
}

static void
citizen_free (TechoSandboxCitizen *citizen)
{
  g_free (citizen->id);
  techo_profile_free (citizen->profile);
  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    g_ptr_array_unref (citizen->records[i]);
  g_free (citizen);
}

static TechoSandboxCitizen *
citizen_new (const TechoSandboxDataOptions *options,
             const char                    *id,
             const char                    *name,
             const char                    *name_kana,
             const char                    *birth_date,
             const char                    *sex,
             const char                    *insurer_number)
{
  TechoSandboxCitizen *citizen = g_new0 (TechoSandboxCitizen, 1);

  citizen->id = g_strdup (id);
  citizen->options = options;
  citizen->profile = techo_profile_new ();
  citizen->profile->subject = g_strdup_printf ("sub-%s", id);
  citizen->profile->name = g_strdup (name);
  citizen->profile->name_kana = g_strdup (name_kana);
  citizen->profile->birth_date = g_strdup (birth_date);
  citizen->profile->sex = g_strdup (sex);
  citizen->profile->insurer_number = g_strdup (insurer_number);
  citizen->records[TECHO_CATEGORY_CHECKUP] =
    g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  citizen->records[TECHO_CATEGORY_MEDICATION] =
    g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  citizen->records[TECHO_CATEGORY_SCREENING] =
    g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);
  return citizen;
}

GPtrArray *
techo_sandbox_citizens_new (const TechoSandboxDataOptions *options)
{
  GPtrArray *citizens = g_ptr_array_new_with_free_func ((GDestroyNotify) citizen_free);

  g_ptr_array_add (citizens, citizen_new (options, "yamada", "山田 太郎", "ヤマダ タロウ",
                                          "1968-04-02", "male", "06139998"));
  g_ptr_array_add (citizens, citizen_new (options, "sato", "佐藤 花子", "サトウ ハナコ",
                                          "1981-08-19", "female", "01130012"));
  g_ptr_array_add (citizens, citizen_new (options, "suzuki", "鈴木 一郎", "スズキ イチロウ",
                                          "1950-01-15", "male", "39131015"));
  g_ptr_array_add (citizens, citizen_new (options, "bulk", "高橋 健", "タカハシ ケン",
                                          "1964-09-30", "male", "06139999"));
  return citizens;
}

TechoSandboxCitizen *
techo_sandbox_citizens_find (GPtrArray  *citizens,
                             const char *id)
{
  for (guint i = 0; id != NULL && i < citizens->len; i++)
    {
      TechoSandboxCitizen *citizen = g_ptr_array_index (citizens, i);

      if (g_str_equal (citizen->id, id))
        return citizen;
    }
  return NULL;
}

void
techo_sandbox_citizen_ensure (TechoSandboxCitizen *citizen)
{
  if (citizen->generated)
    return;
  citizen->generated = TRUE;

  if (g_str_equal (citizen->id, "yamada"))
    generate_yamada (citizen);
  else if (g_str_equal (citizen->id, "sato"))
    generate_sato (citizen);
  else if (g_str_equal (citizen->id, "suzuki"))
    generate_suzuki (citizen);
  else
    generate_bulk (citizen);

  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    {
      sort_category = i;
      g_ptr_array_sort (citizen->records[i], compare_records);
    }
}

const TechoCheckup *
techo_sandbox_citizen_find_checkup (TechoSandboxCitizen *citizen,
                                    const char          *id)
{
  GPtrArray *checkups;

  techo_sandbox_citizen_ensure (citizen);
  checkups = citizen->records[TECHO_CATEGORY_CHECKUP];
  for (guint i = 0; id != NULL && i < checkups->len; i++)
    {
      const TechoCheckup *checkup = g_ptr_array_index (checkups, i);

      if (!checkup->withdrawn && g_str_equal (checkup->id, id))
        return checkup;
    }
  return NULL;
}
