/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the FHIR writer and reader share: Techo's extension names and the
 * identifier systems of our own ids. */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Extension names, appended to TECHO_FHIR_EXTENSION. */
#define TECHO_FHIR_EXT_REVISION      "revision"
#define TECHO_FHIR_EXT_ORIGIN        "origin"
#define TECHO_FHIR_EXT_FILE_NAME     "file-name"
#define TECHO_FHIR_EXT_FILE_SHA256   "file-sha256"
#define TECHO_FHIR_EXT_DOCUMENT_PATH "document-path"
#define TECHO_FHIR_EXT_VALUE_TYPE    "value-type"
#define TECHO_FHIR_EXT_UNIT          "unit"
#define TECHO_FHIR_EXT_ORIGINAL_TEXT "original-text"
#define TECHO_FHIR_EXT_SUBJECT       "portal-subject"
#define TECHO_FHIR_EXT_ISSUER        "portal-issuer"
#define TECHO_FHIR_EXT_CANCER        "cancer"
#define TECHO_FHIR_EXT_STAGE         "screening-stage"
#define TECHO_FHIR_EXT_SOURCE        "medication-source"
#define TECHO_FHIR_EXT_PRESCRIBED_ON "prescribed-on"
#define TECHO_FHIR_EXT_PRESCRIBER    "prescriber"
#define TECHO_FHIR_EXT_DEPARTMENT    "prescriber-department"
#define TECHO_FHIR_EXT_INGREDIENT    "ingredient"
#define TECHO_FHIR_EXT_DOSAGE_FORM   "dosage-form"

/* Identifier systems. The national ones are OIDs from the reference;
 * our record ids are namespaced under Techo's URI. */
#define TECHO_FHIR_URI_INSURER          "urn:oid:1.2.392.200119.6.101"
#define TECHO_URI_INSTITUTION           "urn:oid:1.2.392.200119.6.102"
#define TECHO_FHIR_URI_REPORT_KIND      "urn:oid:1.2.392.200119.6.1001"
#define TECHO_FHIR_URI_MUNICIPALITY     "https://techo.org/fhir/NamingSystem/municipality-code"
#define TECHO_FHIR_URI_CHECKUP_ID       "https://techo.org/fhir/NamingSystem/checkup-id"
#define TECHO_FHIR_URI_SCREENING_ID     "https://techo.org/fhir/NamingSystem/screening-id"
#define TECHO_FHIR_URI_DISPENSING_ID    "https://techo.org/fhir/NamingSystem/dispensing-id"
#define TECHO_FHIR_URI_FOLLOWUP         "https://techo.org/fhir/CodeSystem/screening-followup"
#define TECHO_FHIR_URI_DATA_ABSENT      "http://terminology.hl7.org/CodeSystem/data-absent-reason"
/* JP eCheckup IG (健診結果報告書, 1.x) and the municipal screening IG. */
#define TECHO_FHIR_URI_ECHECKUP_SD       "http://jpfhir.jp/fhir/eCheckup/StructureDefinition/"
#define TECHO_FHIR_PROFILE_BUNDLE_ECHECKUP "http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eCheckupGeneral"
#define TECHO_FHIR_PROFILE_COMPOSITION_ECHECKUP TECHO_FHIR_URI_ECHECKUP_SD "JP_Composition_eCheckupGeneral"
#define TECHO_FHIR_PROFILE_OBSERVATION_ECHECKUP TECHO_FHIR_URI_ECHECKUP_SD "JP_Observation_eCheckupGeneral"
#define TECHO_FHIR_PROFILE_PATIENT_ECHECKUP TECHO_FHIR_URI_ECHECKUP_SD "JP_Patient_eCheckupGeneral"
#define TECHO_FHIR_PROFILE_ORGANIZATION_ECHECKUP TECHO_FHIR_URI_ECHECKUP_SD "JP_Organization_eCheckupGeneral"
/* The judging doctor: JP Core's Practitioner, in a 健診結果報告書 document
 * the eCheckup profile derived from it. */
#define TECHO_FHIR_PROFILE_PRACTITIONER_ECHECKUP TECHO_FHIR_URI_ECHECKUP_SD "JP_Practitioner_eCheckupGeneral"
#define TECHO_URI_JP_PRACTITIONER TECHO_URI_JP_PROFILE_PREFIX "JP_Practitioner"
#define TECHO_FHIR_PROFILE_ENCOUNTER_ECHECKUP TECHO_FHIR_URI_ECHECKUP_SD "JP_Encounter_eCheckupGeneral"
#define TECHO_FHIR_PROFILE_COVERAGE_ECHECKUP TECHO_FHIR_URI_ECHECKUP_SD "JP_CoverageInsurance_eCheckupGeneral"
#define TECHO_FHIR_PROFILE_INSURER_ECHECKUP TECHO_FHIR_URI_ECHECKUP_SD "JP_OrganizationInsurer_eCheckupGeneral"
#define TECHO_FHIR_URI_RESOURCE_INSTANCE "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier"
#define TECHO_FHIR_URI_BUNDLE_IDENTIFIER "http://jpfhir.jp/fhir/clins/bundle-identifier"
#define TECHO_FHIR_URI_SECTION_CODE      "http://jpfhir.jp/fhir/eCheckup/CodeSystem/section-code"
#define TECHO_FHIR_URI_ECHECKUP_JLAC10   "http://jpfhir.jp/fhir/eCheckup/CodeSystem/jlac10"
#define TECHO_FHIR_URI_MUNICIPAL_CATEGORY "http://jpfhir.jp/fhir/eCheckup/CodeSystem/checkup-report-category"
#define TECHO_FHIR_URI_ENCOUNTER_CATEGORY "http://jpfhir.jp/fhir/eCheckup/CodeSystem/encounter-category"
#define TECHO_FHIR_URI_INSTITUTION_NO    "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no"
#define TECHO_FHIR_URI_INSURER_NUMBER    "http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber"
#define TECHO_FHIR_URI_INSURANCE_CATEGORY "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory"
#define TECHO_FHIR_URI_VERSION_NUMBER    "http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber"
#define TECHO_FHIR_URI_HOT9_OID          "urn:oid:1.2.392.200119.4.403.1"
#define TECHO_FHIR_URI_YJ_OID            "urn:oid:1.2.392.100495.20.1.73"
#define TECHO_FHIR_PROFILE_OBSERVATION_COMMON "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_Common"
#define TECHO_FHIR_PROFILE_MEDICATION_REQUEST "http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationRequest"
#define TECHO_FHIR_URI_DISPENSE_CATEGORY "http://terminology.hl7.org/fhir/CodeSystem/medicationdispense-category"

/* Appends @root as JSON text (techo-fhir-json.c). */
void techo_fhir_write_json    (GString  *out,
                               JsonNode *root,
                               gboolean  pretty);

/* The shortest decimal text that reads back as @value. */
void techo_fhir_format_number (char   *buffer,
                               gsize   size,
                               double  value);

G_END_DECLS
