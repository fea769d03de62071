/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-cda"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "techo-cda.h"
#include "techo-cda-private.h"
#include "techo-reference.h"

typedef struct
{
  xmlDocPtr doc;
  xmlNsPtr hl7;
  xmlNsPtr xsi;
} Writer;

static void
writer_clear (Writer *writer)
{
  g_clear_pointer (&writer->doc, xmlFreeDoc);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Writer, writer_clear)

/* Text that may go into XML: valid UTF-8 without control characters
 * other than tab and newlines. NULL is allowed (nothing is written). */
static gboolean
text_ok (const char *text)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
      return FALSE;
  return TRUE;
}

/* "2025-06-15" → "20250615"; NULL unless a plain date. */
static char *
hl7_date (const char *iso)
{
  if (iso == NULL || strlen (iso) != 10 || iso[4] != '-' || iso[7] != '-')
    return NULL;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (iso[i]))
      return NULL;
  return g_strdup_printf ("%.4s%.2s%.2s", iso, iso + 5, iso + 8);
}

static xmlNodePtr
add (Writer     *writer,
     xmlNodePtr  parent,
     const char *name)
{
  return xmlNewChild (parent, writer->hl7, (const xmlChar *) name, NULL);
}

static void
set (xmlNodePtr  node,
     const char *name,
     const char *value)
{
  if (value != NULL)
    xmlSetProp (node, (const xmlChar *) name, (const xmlChar *) value);
}

static xmlNodePtr
add_coded (Writer     *writer,
           xmlNodePtr  parent,
           const char *name,
           const char *code,
           const char *system,
           const char *display)
{
  xmlNodePtr node = add (writer, parent, name);

  set (node, "code", code);
  set (node, "codeSystem", system);
  set (node, "displayName", display);
  return node;
}

static void
add_text (Writer     *writer,
          xmlNodePtr  parent,
          const char *name,
          const char *text)
{
  xmlNewTextChild (parent, writer->hl7, (const xmlChar *) name, (const xmlChar *) text);
}

static void
set_type (Writer     *writer,
          xmlNodePtr  value,
          const char *type)
{
  xmlSetNsProp (value, writer->xsi, (const xmlChar *) "type", (const xmlChar *) type);
}

static void
add_date (Writer     *writer,
          xmlNodePtr  parent,
          const char *name,
          const char *iso)
{
  g_autofree char *date = hl7_date (iso);

  if (date != NULL)
    set (add (writer, parent, name), "value", date);
}

static void
write_patient (Writer             *writer,
               xmlNodePtr          root,
               const TechoProfile *patient)
{
  xmlNodePtr role = add (writer, add (writer, root, "recordTarget"), "patientRole");
  xmlNodePtr person, id;

  id = add (writer, role, "id");
  set (id, "root", TECHO_OID_INSURER_NUMBER);
  if (patient != NULL && patient->insurer_number != NULL)
    set (id, "extension", patient->insurer_number);
  else
    set (id, "nullFlavor", "UNK");

  person = add (writer, role, "patient");
  if (patient == NULL)
    return;
  if (patient->name_kana != NULL)
    {
      xmlNodePtr name = xmlNewTextChild (person, writer->hl7, (const xmlChar *) "name",
                                         (const xmlChar *) patient->name_kana);
      set (name, "use", "SYL");
    }
  if (patient->name != NULL)
    {
      xmlNodePtr name = xmlNewTextChild (person, writer->hl7, (const xmlChar *) "name",
                                         (const xmlChar *) patient->name);
      set (name, "use", "IDE");
    }
  if (g_strcmp0 (patient->sex, "male") == 0 || g_strcmp0 (patient->sex, "female") == 0)
    add_coded (writer, person, "administrativeGenderCode",
               g_strcmp0 (patient->sex, "male") == 0 ? "1" : "2", TECHO_OID_GENDER, NULL);
  add_date (writer, person, "birthTime", patient->birth_date);
}

/* A reference range from the national thresholds (the guidance limit is
 * the edge of normal), and H/L when the value is past it. */
static void
write_range (Writer             *writer,
             xmlNodePtr          observation,
             const TechoItem    *item,
             const TechoAnalyte *analyte,
             const char         *sex)
{
  const TechoThreshold *threshold;
  xmlNodePtr range, value, bound;
  TechoStatus status;
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean high;

  if (analyte == NULL || analyte->value_type != TECHO_VALUE_PQ)
    return;
  threshold = techo_reference_threshold (analyte, sex);
  if (threshold == NULL || !threshold->has_guidance)
    return;
  high = threshold->direction == TECHO_THRESHOLD_AT_LEAST;

  status = techo_reference_classify (analyte, item->value, sex);
  if (status == TECHO_STATUS_GUIDANCE || status == TECHO_STATUS_SEE_DOCTOR)
    add_coded (writer, observation, "interpretationCode", high ? "H" : "L",
               TECHO_CDA_OID_INTERPRETATION, NULL);

  range = add (writer, add (writer, observation, "referenceRange"), "observationRange");
  value = add (writer, range, "value");
  set_type (writer, value, "IVL_PQ");
  bound = add (writer, value, high ? "high" : "low");
  g_ascii_formatd (number, sizeof number, "%g", threshold->guidance);
  set (bound, "value", number);
  set (bound, "unit", item->unit != NULL ? item->unit : analyte->unit);
  set (bound, "inclusive", threshold->direction == TECHO_THRESHOLD_BELOW ? "true" : "false");
}

static gboolean
write_item (Writer           *writer,
            xmlNodePtr        section,
            const TechoItem  *item,
            const char       *sex,
            GError          **error)
{
  const TechoAnalyte *analyte = techo_reference_analyte_for_code (item->code);
  xmlNodePtr observation, value;
  const char *name = item->name;

  if (item->code == NULL || strlen (item->code) > 64 || !text_ok (item->code)
      || !text_ok (item->name) || !text_ok (item->value) || !text_ok (item->unit)
      || !text_ok (item->value_system) || !text_ok (item->display))
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("A checkup item has no code or contains characters a CDA file cannot hold."));
      return FALSE;
    }
  if (name == NULL && analyte != NULL)
    name = analyte->name_ja;

  observation = add (writer, add (writer, section, "entry"), "observation");
  set (observation, "classCode", "OBS");
  set (observation, "moodCode", "EVN");
  if (item->not_performed || (item->value == NULL && item->null_flavor == NULL))
    set (observation, "negationInd", "true");
  add_coded (writer, observation, "code", item->code, TECHO_OID_CHECKUP_ITEM, name);
  if (item->not_performed || (item->value == NULL && item->null_flavor == NULL))
    return TRUE;
  /* No value, and the file said why (nullFlavor): said the same way. */
  if (item->value == NULL)
    {
      if (!text_ok (item->null_flavor) || strlen (item->null_flavor) > 16)
        {
          g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                       _("A checkup item has no code or contains characters a CDA file "
                         "cannot hold."));
          return FALSE;
        }
      value = add (writer, observation, "value");
      set_type (writer, value, techo_value_type_to_string (item->type));
      set (value, "nullFlavor", item->null_flavor);
      return TRUE;
    }

  value = add (writer, observation, "value");
  switch (item->type)
    {
    case TECHO_VALUE_PQ:
      set_type (writer, value, "PQ");
      set (value, "value", item->value);
      set (value, "unit", item->unit);
      break;
    case TECHO_VALUE_CO:
    case TECHO_VALUE_CD:
      {
        const char *system = item->value_system;
        const char *display = item->display;

        if (system == NULL && analyte != NULL)
          system = analyte->value_system;
        if (display == NULL)
          display = techo_reference_item_value_display (item->code, item->value);
        set_type (writer, value, item->type == TECHO_VALUE_CO ? "CO" : "CD");
        set (value, "code", item->value);
        set (value, "codeSystem", system);
        set (value, "displayName", display);
      }
      break;
    case TECHO_VALUE_ST:
    default:
      set_type (writer, value, "ST");
      xmlNodeAddContent (value, (const xmlChar *) item->value);
      break;
    }
  if (item->type == TECHO_VALUE_PQ)
    write_range (writer, observation, item, analyte, sex);
  return TRUE;
}

char *
techo_cda_write_checkup (const TechoCheckup  *checkup,
                         const TechoProfile  *patient,
                         gsize               *out_length,
                         GError             **error)
{
  g_auto(Writer) writer = { NULL, NULL, NULL };
  g_autofree char *date = NULL;
  xmlNodePtr root, node, event, org, section;
  xmlChar *buffer = NULL;
  int size = 0;
  char *result;

  g_return_val_if_fail (checkup != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  date = hl7_date (checkup->performed_on);
  if (date == NULL)
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("The checkup has no valid date, so no CDA file can be written."));
      return NULL;
    }
  if (checkup->items->len > TECHO_CDA_MAX_ITEMS)
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_TOO_LARGE,
                   _("The checkup has more than %d items."), TECHO_CDA_MAX_ITEMS);
      return NULL;
    }
  if (!text_ok (checkup->id) || !text_ok (checkup->kind) || !text_ok (checkup->report_kind)
      || !text_ok (checkup->institution_code) || !text_ok (checkup->institution_name)
      || (patient != NULL
          && (!text_ok (patient->name) || !text_ok (patient->name_kana)
              || !text_ok (patient->insurer_number))))
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("The checkup contains characters a CDA file cannot hold."));
      return NULL;
    }

  writer.doc = xmlNewDoc ((const xmlChar *) "1.0");
  root = xmlNewNode (NULL, (const xmlChar *) "ClinicalDocument");
  xmlDocSetRootElement (writer.doc, root);
  writer.hl7 = xmlNewNs (root, (const xmlChar *) TECHO_CDA_NS_HL7, NULL);
  writer.xsi = xmlNewNs (root, (const xmlChar *) TECHO_CDA_NS_XSI, (const xmlChar *) "xsi");
  xmlSetNs (root, writer.hl7);

  node = add (&writer, root, "typeId");
  set (node, "root", TECHO_CDA_TYPE_ID_ROOT);
  set (node, "extension", TECHO_CDA_TYPE_ID_EXT);
  /* (inferred) The document id is issued under the institution's OID. */
  node = add (&writer, root, "id");
  if (checkup->id != NULL)
    {
      set (node, "root", TECHO_OID_INSTITUTION);
      set (node, "extension", checkup->id);
    }
  else
    set (node, "nullFlavor", "NI");
  add_coded (&writer, root, "code", checkup->report_kind != NULL ? checkup->report_kind : "10",
             TECHO_OID_REPORT_KIND, NULL);
  add_text (&writer, root, "title", "特定健診情報ファイル");
  set (add (&writer, root, "effectiveTime"), "value", date);
  add_coded (&writer, root, "confidentialityCode", "N", TECHO_CDA_OID_CONFIDENTIALITY, NULL);

  write_patient (&writer, root, patient);

  node = add (&writer, root, "author");
  set (add (&writer, node, "time"), "value", date);
  node = add (&writer, node, "assignedAuthor");
  set (add (&writer, node, "id"), "nullFlavor", "NI");
  org = add (&writer, node, "representedOrganization");
  node = add (&writer, org, "id");
  set (node, "root", TECHO_OID_INSTITUTION);
  if (checkup->institution_code != NULL)
    set (node, "extension", checkup->institution_code);
  else
    set (node, "nullFlavor", "UNK");
  if (checkup->institution_name != NULL)
    add_text (&writer, org, "name", checkup->institution_name);

  /* The institution keeps the original (CDA's custodian). */
  node = add (&writer, add (&writer, root, "custodian"), "assignedCustodian");
  node = add (&writer, add (&writer, node, "representedCustodianOrganization"), "id");
  set (node, "root", TECHO_OID_INSTITUTION);
  if (checkup->institution_code != NULL)
    set (node, "extension", checkup->institution_code);
  else
    set (node, "nullFlavor", "UNK");

  event = add (&writer, add (&writer, root, "documentationOf"), "serviceEvent");
  add_coded (&writer, event, "code", checkup->kind != NULL ? checkup->kind : "010",
             TECHO_OID_CHECKUP_KIND, NULL);
  set (add (&writer, event, "effectiveTime"), "value", date);

  node = add (&writer, add (&writer, root, "component"), "structuredBody");
  section = add (&writer, add (&writer, node, "component"), "section");
  add_coded (&writer, section, "code", TECHO_CDA_SECTION_CHECKUP, TECHO_OID_SECTION, NULL);
  add_text (&writer, section, "title", "特定健診");

  for (guint i = 0; i < checkup->items->len; i++)
    if (!write_item (&writer, section, g_ptr_array_index (checkup->items, i),
                     patient != NULL ? patient->sex : NULL, error))
      return NULL;

  xmlDocDumpFormatMemoryEnc (writer.doc, &buffer, &size, "UTF-8", 1);
  if (buffer == NULL || size <= 0)
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("The CDA file could not be made (out of memory?)."));
      return NULL;
    }
  result = g_strndup ((const char *) buffer, size);
  xmlFree (buffer);
  if (out_length != NULL)
    *out_length = size;
  return result;
}
