/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli-errors.c: what techo-cli says when a command fails. The
 * library's error codes are the contract: a sentence per (domain, code)
 * says what happened and what to do next at the command line; the
 * library's own message follows as the detail. The app has its own table
 * (src/app/common/techo-error-text.c) because its next steps are buttons. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include "techo-base.h"
#include "techo-cli.h"
#include "techo-formats.h"
#include "techo-import.h"
#include "techo-portal.h"
#include "techo-records.h"
#include "techo-render.h"
#include "techo-shl-fetch.h"
#include "techo-share.h"
#include "techo-store.h"

/* One sentence per code of every library domain, indexed by code. */
static const char * const consent_sentences[TECHO_CONSENT_N_ERRORS] = {
  [TECHO_CONSENT_ERROR_MISSING] =
    "Give --recipient, --purpose and the categories, then run the command again.",
  [TECHO_CONSENT_ERROR_INVALID] =
    "A consent field is malformed or too long; correct it and run the command again.",
  [TECHO_CONSENT_ERROR_NOT_FOUND] =
    "There is no such consent; list them with “techo-cli consents”.",
  [TECHO_CONSENT_ERROR_NOT_LIVE] =
    "That consent has ended or was revoked; give a new one to share.",
};

static const char * const export_sentences[TECHO_EXPORT_N_ERRORS] = {
  [TECHO_EXPORT_ERROR_FAILED] =
    "The export failed; run it again, and see the detail below if it keeps failing.",
  [TECHO_EXPORT_ERROR_NO_PROFILE] =
    "There are no records to export yet; run “techo-cli sync” or “techo-cli import” first.",
  [TECHO_EXPORT_ERROR_NOTHING] =
    "Nothing matches the chosen categories and period; widen them.",
  [TECHO_EXPORT_ERROR_FORMAT] =
    "Unknown format; use --format fhir, csv, cda or pdf.",
};

static const char * const shl_sentences[TECHO_SHL_N_ERRORS] = {
  [TECHO_SHL_ERROR_CRYPTO] =
    "Encrypting the share failed; run the command again.",
  [TECHO_SHL_ERROR_DECRYPT] =
    "The shared records could not be decrypted: wrong key, or changed; ask for a new link.",
  [TECHO_SHL_ERROR_INVALID] =
    "This is not a Techo share link or package; check it was copied whole.",
  [TECHO_SHL_ERROR_TOO_LARGE] =
    "The shared records are too large to open; ask for fewer records.",
};

static const char * const shl_fetch_sentences[TECHO_SHL_FETCH_N_ERRORS] = {
  [TECHO_SHL_FETCH_ERROR_INSECURE] =
    "The link does not use https; Techo does not open it. Ask for a new link.",
  [TECHO_SHL_FETCH_ERROR_EXPIRED] =
    "The shared link has expired or was withdrawn; ask for a new link.",
  [TECHO_SHL_FETCH_ERROR_NEEDS_PASSCODE] =
    "The shared link needs a passcode; give it with --passcode-file FILE.",
  [TECHO_SHL_FETCH_ERROR_PASSCODE] =
    "The passcode is wrong; check it and run the command again.",
  [TECHO_SHL_FETCH_ERROR_NETWORK] =
    "Could not reach the shared link's server; check the network and run the command again.",
  [TECHO_SHL_FETCH_ERROR_BAD_DATA] =
    "The shared link's server sent something Techo cannot read; ask for a new link.",
  [TECHO_SHL_FETCH_ERROR_TOO_LARGE] =
    "The shared link holds more than Techo opens at once; ask for fewer records.",
  [TECHO_SHL_FETCH_ERROR_EMPTY] =
    "The shared link holds no FHIR health records; ask the sender to share them as FHIR.",
};

static const char * const share_sentences[TECHO_SHARE_N_ERRORS] = {
  [TECHO_SHARE_ERROR_FAILED] =
    "Sharing stopped; run the command again.",
  [TECHO_SHARE_ERROR_LISTEN] =
    "Could not listen on that address or port; choose another with --bind or --port.",
  [TECHO_SHARE_ERROR_INVALID] =
    "The share settings are not valid; check them and run the command again.",
};

static const char * const report_sentences[TECHO_REPORT_N_ERRORS] = {
  [TECHO_REPORT_ERROR_FAILED] =
    "The report could not be made; run the command again.",
};

static const char * const qr_sentences[TECHO_QR_N_ERRORS] = {
  [TECHO_QR_ERROR_ENCODE] =
    "Too long for a QR code; share fewer records, or use the link.",
};

static const char * const cda_sentences[TECHO_CDA_N_ERRORS] = {
  [TECHO_CDA_ERROR_TOO_LARGE] =
    "The checkup file is over Techo's size limits; it was not read.",
  [TECHO_CDA_ERROR_FORBIDDEN] =
    "The checkup file holds parts Techo refuses for safety (DOCTYPE, entities); get it again from its source.",
  [TECHO_CDA_ERROR_MALFORMED] =
    "The checkup file is not well-formed XML; get it again from its source.",
  [TECHO_CDA_ERROR_NOT_CHECKUP] =
    "The file is not a checkup (CDA) file.",
  [TECHO_CDA_ERROR_INVALID] =
    "The checkup file lacks a required part; get it again from its source.",
};

static const char * const csv_sentences[TECHO_CSV_N_ERRORS] = {
  [TECHO_CSV_ERROR_INVALID] =
    "The file is not CSV in a layout Techo reads.",
  [TECHO_CSV_ERROR_TOO_LARGE] =
    "The CSV file is over Techo's size limits; it was not read.",
};

static const char * const fhir_sentences[TECHO_FHIR_N_ERRORS] = {
  [TECHO_FHIR_ERROR_INVALID] =
    "The file is not a FHIR Bundle of the shape Techo reads.",
  [TECHO_FHIR_ERROR_TOO_LARGE] =
    "The FHIR file is over Techo's size limits; it was not read.",
};

static const char * const jahis_sentences[TECHO_JAHIS_N_ERRORS] = {
  [TECHO_JAHIS_ERROR_TOO_LARGE] =
    "The medicine file is over Techo's size limits; it was not read.",
  [TECHO_JAHIS_ERROR_ENCODING] =
    "The medicine file is neither UTF-8 nor Shift_JIS text.",
  [TECHO_JAHIS_ERROR_NOT_JAHIS] =
    "The file is not a medicine notebook (JAHIS) file.",
  [TECHO_JAHIS_ERROR_VERSION] =
    "The medicine file is in a JAHIS version Techo does not know; update Techo.",
  [TECHO_JAHIS_ERROR_MALFORMED] =
    "A line of the medicine file is damaged; see the detail for the line.",
  [TECHO_JAHIS_ERROR_INVALID] =
    "A record of the medicine file lacks a field; see the detail for the line.",
  [TECHO_JAHIS_ERROR_MISSING_PART] =
    "The medicine file is one part of several; import all parts together.",
  [TECHO_JAHIS_ERROR_TRUNCATED] =
    "The medicine file ends in the middle of a record; get the whole file again.",
};

static const char * const qr_image_sentences[TECHO_QR_IMAGE_N_ERRORS] = {
  [TECHO_QR_IMAGE_ERROR_TOO_LARGE] =
    "The picture is too large to read; use a smaller picture of the QR code.",
  [TECHO_QR_IMAGE_ERROR_NOT_IMAGE] =
    "The file is not a PNG or JPEG picture.",
  [TECHO_QR_IMAGE_ERROR_DAMAGED] =
    "The picture is damaged and cannot be opened; save the photo again.",
  [TECHO_QR_IMAGE_ERROR_NO_CODE] =
    "No QR code could be read in the picture; take a sharper photo.",
};

static const char * const mhlw_sentences[TECHO_MHLW_N_ERRORS] = {
  [TECHO_MHLW_ERROR_TOO_LARGE] =
    "The マイナポータル file is over Techo's size limits; it was not read.",
  [TECHO_MHLW_ERROR_FORBIDDEN] =
    "The マイナポータル file holds parts Techo refuses for safety (DOCTYPE, entities); download it again.",
  [TECHO_MHLW_ERROR_ENCODING] =
    "The マイナポータル file is neither UTF-8 nor Shift_JIS text.",
  [TECHO_MHLW_ERROR_MALFORMED] =
    "The マイナポータル file is not well-formed XML; see the detail for the line.",
  [TECHO_MHLW_ERROR_NOT_PORTAL] =
    "The file is not a マイナポータル 薬剤情報 or 特定健診情報 XML file.",
  [TECHO_MHLW_ERROR_INVALID] =
    "A record of the マイナポータル file lacks an element; see the detail for the line.",
};

static const char * const store_sentences[TECHO_STORE_N_ERRORS] = {
  [TECHO_STORE_ERROR_FAILED] =
    "The store could not do that; run the command again.",
  [TECHO_STORE_ERROR_KEYRING_UNAVAILABLE] =
    "The keyring is locked or not running; unlock it (log in to the desktop) and run the command again.",
  [TECHO_STORE_ERROR_WRONG_KEY] =
    "That passphrase or key does not open the store; check it and try again.",
  [TECHO_STORE_ERROR_CORRUPT] =
    "The store is damaged; restore it from a backup (techo-cli restore --from FILE).",
  [TECHO_STORE_ERROR_PASSPHRASE_REQUIRED] =
    "The store is protected by a passphrase; give it with --passphrase-file.",
  [TECHO_STORE_ERROR_NOT_OPEN] =
    "The store is not open; unlock it first.",
  [TECHO_STORE_ERROR_INVALID] =
    "An input is missing or over a limit; correct it and run the command again.",
  [TECHO_STORE_ERROR_NOT_FOUND] =
    "No such profile, record or file.",
  [TECHO_STORE_ERROR_EXISTS] =
    "That file exists and Techo never replaces one; choose another name.",
  [TECHO_STORE_ERROR_TOO_NEW] =
    "The store was written by a newer Techo; update Techo.",
  [TECHO_STORE_ERROR_DISK_FULL] =
    "The disk is full and nothing was changed; free some space and run the command again.",
  [TECHO_STORE_ERROR_BUSY] =
    "Another Techo program is using the store; close it and run the command again.",
  [TECHO_STORE_ERROR_SHARING] =
    "A share is live and a restore would erase its ledger; stop it (techo-cli consents --revoke ID), then restore.",
  [TECHO_STORE_ERROR_NEWER_CIPHER] =
    "The store was written by a newer SQLCipher (as on Debian 13) that this system cannot read; open it there, or restore a backup made here. Nothing was changed.",
};

static const char * const vault_sentences[TECHO_VAULT_N_ERRORS] = {
  [TECHO_VAULT_ERROR_UNAVAILABLE] =
    "The keyring is locked or not running; unlock it (log in to the desktop) and run the command again.",
  [TECHO_VAULT_ERROR_INVALID] =
    "An empty secret cannot be kept in the keyring.",
};

static const char * const json_sentences[TECHO_JSON_N_ERRORS] = {
  [TECHO_JSON_ERROR_TOO_LARGE] =
    "The data is over Techo's size limit.",
  [TECHO_JSON_ERROR_TOO_DEEP] =
    "The data is nested deeper than Techo allows.",
  [TECHO_JSON_ERROR_ENCODING] =
    "The data is not UTF-8 text.",
  [TECHO_JSON_ERROR_SYNTAX] =
    "The data is not JSON, or it was cut short.",
  [TECHO_JSON_ERROR_INVALID] =
    "The data is JSON, but not of the expected shape.",
  [TECHO_JSON_ERROR_TOO_MANY] =
    "The data holds more items than Techo allows.",
};

static const char * const secure_sentences[TECHO_SECURE_N_ERRORS] = {
  [TECHO_SECURE_ERROR_RANDOM] =
    "The kernel gave no random bytes; run the command again.",
  [TECHO_SECURE_ERROR_HASH] =
    "There was not enough memory to hash the PIN or passcode; close other programs and run the command again.",
};

static const char * const import_sentences[TECHO_IMPORT_N_ERRORS] = {
  [TECHO_IMPORT_ERROR_TOO_LARGE] =
    "The file is over the import size limit.",
  [TECHO_IMPORT_ERROR_UNKNOWN_KIND] =
    "The file is neither a checkup (CDA), a medicine notebook (JAHIS) nor a マイナポータル XML file.",
  [TECHO_IMPORT_ERROR_EMPTY] =
    "The file holds no records.",
  [TECHO_IMPORT_ERROR_PROFILE] =
    "Choose whose records these are with --profile.",
  [TECHO_IMPORT_ERROR_OTHER_PERSON] =
    "The file is about someone else; give --profile ID if it really is that person's.",
  [TECHO_IMPORT_ERROR_REISSUE] =
    "The file re-issues a kept checkup with other values; give --replace to take them.",
  [TECHO_IMPORT_ERROR_NOT_A_FILE] =
    "The path is a folder, pipe or device, not a file; give the file itself.",
};

static const char * const portal_sentences[TECHO_PORTAL_N_ERRORS] = {
  [TECHO_PORTAL_ERROR_NETWORK] =
    "Could not reach My Number Portal; check the network and run the command again.",
  [TECHO_PORTAL_ERROR_TIMEOUT] =
    "My Number Portal did not answer in time; run the command again.",
  [TECHO_PORTAL_ERROR_UNAVAILABLE] =
    "My Number Portal is busy or down for maintenance; try again later.",
  [TECHO_PORTAL_ERROR_TOO_LARGE] =
    "My Number Portal sent more than Techo accepts; try again later.",
  [TECHO_PORTAL_ERROR_BAD_DATA] =
    "My Number Portal sent damaged data; run the command again.",
  [TECHO_PORTAL_ERROR_SIGN_IN] =
    "Not signed in to My Number Portal; run “techo-cli login”.",
  [TECHO_PORTAL_ERROR_CONSENT] =
    "My Number Portal was not allowed to give these records; run “techo-cli login” and allow them.",
  [TECHO_PORTAL_ERROR_PROTOCOL] =
    "My Number Portal answered against the rules; try again later, or update Techo.",
  [TECHO_PORTAL_ERROR_INSECURE] =
    "The connection to the portal is not secure; check the address and the clock.",
  [TECHO_PORTAL_ERROR_DENIED] =
    "The sign-in was declined at the portal; run “techo-cli login” when ready.",
  [TECHO_PORTAL_ERROR_EXPIRED] =
    "What the portal prepared expired; run the command again.",
  [TECHO_PORTAL_ERROR_NOT_FOUND] =
    "The portal no longer has that; run “techo-cli sync” again.",
  [TECHO_PORTAL_ERROR_REFUSED] =
    "My Number Portal refused the connection (down?); try again later.",
  [TECHO_PORTAL_ERROR_BROWSER] =
    "No web browser could be opened; use --no-browser and open the address yourself.",
  [TECHO_PORTAL_ERROR_FAILED] =
    "Talking to My Number Portal failed; run the command again.",
  [TECHO_PORTAL_ERROR_ID_TOKEN] =
    "The sign-in server's identity token failed a check, so you are not signed in; "
    "check the clock and run “techo-cli login” again.",
};

static const char * const disclosure_sentences[TECHO_DISCLOSURE_N_ERRORS] = {
  [TECHO_DISCLOSURE_ERROR_NO_PROFILE] =
    "There are no records to share yet. Sync or import your records first.",
  [TECHO_DISCLOSURE_ERROR_METHOD] =
    "This consent was given for another way of sharing. Start sharing again and choose how.",
  [TECHO_DISCLOSURE_ERROR_RECORDED] =
    "This consent was used already. Start sharing again to give a new one.",
  [TECHO_DISCLOSURE_ERROR_SENT] =
    "These records were already shared under this consent. Start sharing again to share them once more.",
};

static const char * const host_sentences[TECHO_HOST_N_ERRORS] = {
  [TECHO_HOST_ERROR_INVALID] =
    "The share host address or the share settings are not valid. Check the address in Preferences.",
  [TECHO_HOST_ERROR_UNREACHABLE] =
    "Techo could not reach the share host. Check that this computer is online, then retry.",
  [TECHO_HOST_ERROR_REFUSED] =
    "The share host refused the request. Retry later, or ask whoever runs the host.",
};

static const char * const share_host_sentences[TECHO_SHARE_HOST_N_ERRORS] = {
  [TECHO_SHARE_HOST_ERROR_FAILED] =
    "The share host stopped unexpectedly. Start it again.",
  [TECHO_SHARE_HOST_ERROR_LISTEN] =
    "The share host could not listen on that address or load its TLS files. Check the address and the certificate.",
  [TECHO_SHARE_HOST_ERROR_INVALID] =
    "The share host settings are not valid. Check its options.",
  [TECHO_SHARE_HOST_ERROR_DATA] =
    "The share host cannot use its data folder. Check that it exists and only the host may write to it.",
};

static const struct
{
  GQuark (*quark) (void);
  const char * const *sentences;
  int n_sentences;
} domains[] = {
  { techo_consent_error_quark, consent_sentences, TECHO_CONSENT_N_ERRORS },
  { techo_export_error_quark, export_sentences, TECHO_EXPORT_N_ERRORS },
  { techo_shl_error_quark, shl_sentences, TECHO_SHL_N_ERRORS },
  { techo_shl_fetch_error_quark, shl_fetch_sentences, TECHO_SHL_FETCH_N_ERRORS },
  { techo_share_error_quark, share_sentences, TECHO_SHARE_N_ERRORS },
  { techo_report_error_quark, report_sentences, TECHO_REPORT_N_ERRORS },
  { techo_qr_error_quark, qr_sentences, TECHO_QR_N_ERRORS },
  { techo_cda_error_quark, cda_sentences, TECHO_CDA_N_ERRORS },
  { techo_csv_error_quark, csv_sentences, TECHO_CSV_N_ERRORS },
  { techo_fhir_error_quark, fhir_sentences, TECHO_FHIR_N_ERRORS },
  { techo_jahis_error_quark, jahis_sentences, TECHO_JAHIS_N_ERRORS },
  { techo_mhlw_error_quark, mhlw_sentences, TECHO_MHLW_N_ERRORS },
  { techo_qr_image_error_quark, qr_image_sentences, TECHO_QR_IMAGE_N_ERRORS },
  { techo_store_error_quark, store_sentences, TECHO_STORE_N_ERRORS },
  { techo_vault_error_quark, vault_sentences, TECHO_VAULT_N_ERRORS },
  { techo_json_error_quark, json_sentences, TECHO_JSON_N_ERRORS },
  { techo_secure_error_quark, secure_sentences, TECHO_SECURE_N_ERRORS },
  { techo_import_error_quark, import_sentences, TECHO_IMPORT_N_ERRORS },
  { techo_portal_error_quark, portal_sentences, TECHO_PORTAL_N_ERRORS },
  { techo_disclosure_error_quark, disclosure_sentences, TECHO_DISCLOSURE_N_ERRORS },
  { techo_host_error_quark, host_sentences, TECHO_HOST_N_ERRORS },
  { techo_share_host_error_quark, share_host_sentences, TECHO_SHARE_HOST_N_ERRORS },
};

const char *
techo_cli_error_sentence (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    if (domains[i].quark () == error->domain)
      return error->code >= 0 && error->code < domains[i].n_sentences
             ? domains[i].sentences[error->code] : NULL;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "Interrupted; what was stored before stays.";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    return "The disk is full; free some space and run the command again.";
  return NULL;
}

void
techo_cli_print_error (const GError *error)
{
  const char *sentence;

  g_return_if_fail (error != NULL);

  sentence = techo_cli_error_sentence (error);
  if (sentence == NULL)
    techo_cli_printerr ("%s", error->message);
  else
    techo_cli_printerr ("%s\n  (%s)", sentence, error->message);
}
