/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-error-text"

#include "config.h"

#include "techo-alert.h"
#include <adwaita.h>
#include <glib/gi18n.h>

#include "techo-cda.h"
#include "techo-consent.h"
#include "techo-csv.h"
#include "techo-error-text.h"
#include "techo-disclosure.h"
#include "techo-export.h"
#include "techo-host-client.h"
#include "techo-share-host.h"
#include "techo-fhir.h"
#include "techo-http.h"
#include "techo-import.h"
#include "techo-jahis.h"
#include "techo-qr-image.h"
#include "techo-json.h"
#include "techo-mhlw-xml.h"
#include "techo-qr.h"
#include "techo-report.h"
#include "techo-secure.h"
#include "techo-share-server.h"
#include "techo-shl.h"
#include "techo-shl-fetch.h"
#include "techo-store.h"
#include "techo-vault.h"

typedef struct
{
  const char *text;    /* N_() marked; translated when shown */
  TechoErrorNext next;
} TechoErrorSentence;

typedef struct
{
  const char *name;
  GQuark (*quark) (void);
  const TechoErrorSentence *sentences;
  guint n_sentences;
} TechoErrorDomain;

G_DEFINE_QUARK (techo-app-error-quark, techo_app_error)

/* One sentence per code of every library domain, indexed by code. A code
 * added to a library enum without a sentence here fails test-error-text. */
static const TechoErrorSentence consent_sentences[TECHO_CONSENT_N_ERRORS] = {
  [TECHO_CONSENT_ERROR_MISSING] = {
    N_("Choose who receives the records, what for, and which kinds of records, then try again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_CONSENT_ERROR_INVALID] = {
    N_("A detail of this sharing choice is too long or not valid. Correct it and try again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_CONSENT_ERROR_NOT_FOUND] = {
    N_("That sharing record no longer exists. Look at the Sharing page again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_CONSENT_ERROR_NOT_LIVE] = {
    N_("That permission to share has ended or was withdrawn. Give permission again to share."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence export_sentences[TECHO_EXPORT_N_ERRORS] = {
  [TECHO_EXPORT_ERROR_FAILED] = {
    N_("The records could not be exported. Retry; if it keeps failing, the details say why."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_EXPORT_ERROR_NO_PROFILE] = {
    N_("There are no records to export yet. Sync with My Number Portal or import a file first."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_EXPORT_ERROR_NOTHING] = {
    N_("No records match the chosen kinds and period. Choose more kinds or a longer period."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_EXPORT_ERROR_FORMAT] = {
    N_("Techo cannot write that file format. Choose another format."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence shl_sentences[TECHO_SHL_N_ERRORS] = {
  [TECHO_SHL_ERROR_CRYPTO] = {
    N_("The records could not be encrypted for sharing. Retry."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_SHL_ERROR_DECRYPT] = {
    N_("The shared records could not be opened: the key is wrong or they were changed. Ask for a new link."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHL_ERROR_INVALID] = {
    N_("This is not a Techo share link or package. Check that it was copied whole."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHL_ERROR_TOO_LARGE] = {
    N_("The shared records are too large to open. Ask the sender to share fewer records."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence shl_fetch_sentences[TECHO_SHL_FETCH_N_ERRORS] = {
  [TECHO_SHL_FETCH_ERROR_INSECURE] = {
    N_("This link does not use a secure connection (https), so Techo does not open it. Ask for a new link."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHL_FETCH_ERROR_EXPIRED] = {
    N_("This shared link has expired or was withdrawn. Ask the person who shared it for a new link."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHL_FETCH_ERROR_NEEDS_PASSCODE] = {
    N_("This shared link needs a passcode. Enter the passcode you were given."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHL_FETCH_ERROR_PASSCODE] = {
    N_("The passcode is wrong. Check it and try again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHL_FETCH_ERROR_NETWORK] = {
    N_("Techo could not reach the server of the shared link. Check that this computer is online, then retry."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_SHL_FETCH_ERROR_BAD_DATA] = {
    N_("The server of the shared link sent something Techo cannot read. Ask for a new link."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHL_FETCH_ERROR_TOO_LARGE] = {
    N_("The shared link holds more than Techo opens at once. Ask the sender to share fewer records."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHL_FETCH_ERROR_EMPTY] = {
    N_("The shared link holds no health records Techo can read. Ask the sender to share them as FHIR."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence share_sentences[TECHO_SHARE_N_ERRORS] = {
  [TECHO_SHARE_ERROR_FAILED] = {
    N_("Sharing stopped unexpectedly. Retry to share again."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_SHARE_ERROR_LISTEN] = {
    N_("Techo could not start sharing on this network. Retry, or connect to another network."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_SHARE_ERROR_INVALID] = {
    N_("These sharing settings are not valid. Check them and try again."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence report_sentences[TECHO_REPORT_N_ERRORS] = {
  [TECHO_REPORT_ERROR_FAILED] = {
    N_("The report could not be made. Retry; if it keeps failing, the details say why."),
    TECHO_ERROR_NEXT_RETRY },
};

static const TechoErrorSentence qr_sentences[TECHO_QR_N_ERRORS] = {
  [TECHO_QR_ERROR_ENCODE] = {
    N_("This is too long to show as a QR code. Share fewer records, or share a link instead."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence cda_sentences[TECHO_CDA_N_ERRORS] = {
  [TECHO_CDA_ERROR_TOO_LARGE] = {
    N_("This checkup file is too large for Techo to read safely. Choose a smaller file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_CDA_ERROR_FORBIDDEN] = {
    N_("This checkup file contains parts Techo refuses to read for safety. Get the file again from where it came from."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_CDA_ERROR_MALFORMED] = {
    N_("This checkup file is damaged. Get the file again from where it came from."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_CDA_ERROR_NOT_CHECKUP] = {
    N_("This file is not a health checkup file. Choose a checkup (CDA) file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_CDA_ERROR_INVALID] = {
    N_("This checkup file lacks a required part. Get the file again from where it came from."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence csv_sentences[TECHO_CSV_N_ERRORS] = {
  [TECHO_CSV_ERROR_INVALID] = {
    N_("This is not a CSV file in a layout Techo reads. Choose a file Techo exported."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_CSV_ERROR_TOO_LARGE] = {
    N_("This CSV file is too large for Techo to read. Choose a smaller file."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence fhir_sentences[TECHO_FHIR_N_ERRORS] = {
  [TECHO_FHIR_ERROR_INVALID] = {
    N_("This is not a FHIR file of the kind Techo reads. Choose another file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_FHIR_ERROR_TOO_LARGE] = {
    N_("This FHIR file is too large for Techo to read. Choose a smaller file."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence jahis_sentences[TECHO_JAHIS_N_ERRORS] = {
  [TECHO_JAHIS_ERROR_TOO_LARGE] = {
    N_("This medicine file is too large for Techo to read. Choose a smaller file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JAHIS_ERROR_ENCODING] = {
    N_("This medicine file is not text Techo can read. Get the file again from the pharmacy or app."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JAHIS_ERROR_NOT_JAHIS] = {
    N_("This is not a medicine notebook (JAHIS) file. Choose another file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JAHIS_ERROR_VERSION] = {
    N_("This medicine file uses a JAHIS version Techo does not know yet. Update Techo, or ask for the file in an older version."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JAHIS_ERROR_MALFORMED] = {
    N_("A line of this medicine file is damaged. Get the file again from the pharmacy or app."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JAHIS_ERROR_INVALID] = {
    N_("A record in this medicine file lacks a required item. Get the file again from the pharmacy or app."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JAHIS_ERROR_MISSING_PART] = {
    N_("This medicine file is one part of several. Import all of its parts together."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JAHIS_ERROR_TRUNCATED] = {
    N_("This medicine file ends in the middle of a record: it was cut short. Get the whole file again from the pharmacy or app."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence qr_image_sentences[TECHO_QR_IMAGE_N_ERRORS] = {
  [TECHO_QR_IMAGE_ERROR_TOO_LARGE] = {
    N_("This picture is too large for Techo to read. Take or save a smaller picture of the QR code."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_QR_IMAGE_ERROR_NOT_IMAGE] = {
    N_("This file is not a PNG or JPEG picture. Save the photo of the QR code as PNG or JPEG."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_QR_IMAGE_ERROR_DAMAGED] = {
    N_("This picture is damaged and cannot be opened. Take or save the photo again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_QR_IMAGE_ERROR_NO_CODE] = {
    N_("No QR code could be read in this picture. Take a sharper photo with the whole code in view."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence mhlw_sentences[TECHO_MHLW_N_ERRORS] = {
  [TECHO_MHLW_ERROR_TOO_LARGE] = {
    N_("This マイナポータル file is too large for Techo to read safely. Download a shorter period from マイナポータル."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_MHLW_ERROR_FORBIDDEN] = {
    N_("This マイナポータル file contains parts Techo refuses to read for safety. Download the file again from マイナポータル."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_MHLW_ERROR_ENCODING] = {
    N_("This マイナポータル file is not text Techo can read. Download the file again from マイナポータル."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_MHLW_ERROR_MALFORMED] = {
    N_("This マイナポータル file is damaged. Download the file again from マイナポータル."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_MHLW_ERROR_NOT_PORTAL] = {
    N_("This is not a 薬剤情報 or 特定健診情報 file from マイナポータル. Choose another file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_MHLW_ERROR_INVALID] = {
    N_("A record in this マイナポータル file lacks a required item. Download the file again from マイナポータル."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence store_sentences[TECHO_STORE_N_ERRORS] = {
  [TECHO_STORE_ERROR_FAILED] = {
    N_("Your records could not be read or saved. Retry; if it keeps failing, restart Techo."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_STORE_ERROR_KEYRING_UNAVAILABLE] = {
    N_("The keyring is locked, so Techo cannot open your records. Unlock the keyring (or log in again), then retry."),
    TECHO_ERROR_NEXT_UNLOCK },
  [TECHO_STORE_ERROR_WRONG_KEY] = {
    N_("That passphrase does not open your records. Check it and try again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_CORRUPT] = {
    N_("The file holding your records is damaged. Restore it from a backup."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_PASSPHRASE_REQUIRED] = {
    N_("Your records are protected by a passphrase. Enter it to unlock them."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_NOT_OPEN] = {
    N_("Your records are locked. Unlock Techo first."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_INVALID] = {
    N_("This could not be saved because an item is missing or too long. Check what you entered and try again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_NOT_FOUND] = {
    N_("That record no longer exists. Look at your records again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_EXISTS] = {
    N_("A file with that name already exists, and Techo never replaces one. Choose another name."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_TOO_NEW] = {
    N_("Your records were saved by a newer version of Techo. Update Techo to open them."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_DISK_FULL] = {
    N_("The disk is full, so nothing was saved. Free some disk space, then retry."),
    TECHO_ERROR_NEXT_FREE_SPACE },
  [TECHO_STORE_ERROR_BUSY] = {
    N_("Another Techo program is using your records. Close it, then retry."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_STORE_ERROR_SHARING] = {
    N_("A share is still live, and restoring would erase its record of who opened it. Stop it on the Sharing page, then restore."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_STORE_ERROR_NEWER_CIPHER] = {
    N_("Your records were saved by a newer system (such as Debian 13) in a format this system cannot read. Open them there, or restore a backup made on this system; nothing was changed."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence vault_sentences[TECHO_VAULT_N_ERRORS] = {
  [TECHO_VAULT_ERROR_UNAVAILABLE] = {
    N_("The keyring is locked or not running. Unlock the keyring (or log in again), then retry."),
    TECHO_ERROR_NEXT_UNLOCK },
  [TECHO_VAULT_ERROR_INVALID] = {
    N_("Techo could not keep an empty secret in the keyring. Retry."),
    TECHO_ERROR_NEXT_RETRY },
};

static const TechoErrorSentence json_sentences[TECHO_JSON_N_ERRORS] = {
  [TECHO_JSON_ERROR_TOO_LARGE] = {
    N_("The data is too large for Techo to read safely. Get it again from where it came from."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JSON_ERROR_TOO_DEEP] = {
    N_("The data is nested too deeply for Techo to read safely. Get it again from where it came from."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JSON_ERROR_ENCODING] = {
    N_("The data is not valid text. Get it again from where it came from."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JSON_ERROR_SYNTAX] = {
    N_("The data is damaged or cut short. Get it again from where it came from."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JSON_ERROR_INVALID] = {
    N_("The data is not in the form Techo expects. Get it again from where it came from."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_JSON_ERROR_TOO_MANY] = {
    N_("The data holds more items than Techo reads safely. Get a smaller part of it."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence secure_sentences[TECHO_SECURE_N_ERRORS] = {
  [TECHO_SECURE_ERROR_RANDOM] = {
    N_("This computer could not supply random numbers for encryption. Retry; if it keeps failing, restart the computer."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_SECURE_ERROR_HASH] = {
    N_("This computer did not have the memory to protect the PIN or passcode. Close other programs and retry."),
    TECHO_ERROR_NEXT_RETRY },
};

static const TechoErrorSentence import_sentences[TECHO_IMPORT_N_ERRORS] = {
  [TECHO_IMPORT_ERROR_TOO_LARGE] = {
    N_("This file is too large to import. Choose a smaller file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_IMPORT_ERROR_UNKNOWN_KIND] = {
    N_("Techo cannot read this kind of file. Choose a checkup (CDA), medicine notebook (JAHIS), or マイナポータル 薬剤情報 or 特定健診情報 file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_IMPORT_ERROR_EMPTY] = {
    N_("This file holds no records to import. Choose another file."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_IMPORT_ERROR_PROFILE] = {
    N_("Techo could not tell whose records these are. Choose the person, then import again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_IMPORT_ERROR_OTHER_PERSON] = {
    N_("This file is about someone else (the name, birth date or insurer number differ). Import it only if it is really this person's."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_IMPORT_ERROR_REISSUE] = {
    N_("This file is a corrected re-issue of a checkup already kept, with other values. Import it again and choose to replace the old values."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_IMPORT_ERROR_NOT_A_FILE] = {
    N_("This is a folder, pipe or device, not a file. Choose the file itself."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence portal_sentences[TECHO_PORTAL_N_ERRORS] = {
  [TECHO_PORTAL_ERROR_NETWORK] = {
    N_("Techo could not reach My Number Portal. Check that this computer is online, then retry."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_TIMEOUT] = {
    N_("My Number Portal took too long to answer. Retry in a moment."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_UNAVAILABLE] = {
    N_("My Number Portal is busy or under maintenance. Retry later."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_TOO_LARGE] = {
    N_("My Number Portal sent more data than Techo accepts. Retry later; if it keeps happening, update Techo."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_BAD_DATA] = {
    N_("My Number Portal sent damaged data. Retry."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_SIGN_IN] = {
    N_("You are signed out of My Number Portal. Sign in again to get new records."),
    TECHO_ERROR_NEXT_SIGN_IN },
  [TECHO_PORTAL_ERROR_CONSENT] = {
    N_("My Number Portal was not allowed to give these records. Sign in again and allow the kinds of records you want."),
    TECHO_ERROR_NEXT_SIGN_IN },
  [TECHO_PORTAL_ERROR_PROTOCOL] = {
    N_("My Number Portal answered in a way Techo does not understand. Retry later; if it keeps happening, update Techo."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_INSECURE] = {
    N_("The connection to My Number Portal is not secure, so Techo stopped. Check the portal address and this computer's date and time."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_PORTAL_ERROR_DENIED] = {
    N_("The sign-in was declined at My Number Portal. Sign in again when you are ready."),
    TECHO_ERROR_NEXT_SIGN_IN },
  [TECHO_PORTAL_ERROR_EXPIRED] = {
    N_("The data My Number Portal prepared has expired. Retry to request it again."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_NOT_FOUND] = {
    N_("My Number Portal no longer has this item. Retry to get the current records."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_REFUSED] = {
    N_("My Number Portal refused the connection; it may be under maintenance. Retry later."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_BROWSER] = {
    N_("No web browser could be opened for the sign-in. Copy the address into a browser."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_PORTAL_ERROR_FAILED] = {
    N_("Something went wrong with My Number Portal. Retry."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_PORTAL_ERROR_ID_TOKEN] = {
    N_("The sign-in server's proof of who signed in failed Techo's checks, so Techo did not sign in. Check this computer's date and time, then sign in again."),
    TECHO_ERROR_NEXT_SIGN_IN },
};

static const TechoErrorSentence app_sentences[TECHO_APP_N_ERRORS] = {
  [TECHO_APP_ERROR_NO_ISSUER] = {
    N_("Techo does not know the address of My Number Portal's sign-in server yet. "
       "You can explore with demo data meanwhile."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_APP_ERROR_NO_DEMO_PORTAL] = {
    N_("The demo portal (techo-sandbox) is not installed."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_APP_ERROR_DEMO_PORTAL_FAILED] = {
    N_("The demo portal did not start. Retry."),
    TECHO_ERROR_NEXT_RETRY },
};

static const TechoErrorSentence disclosure_sentences[TECHO_DISCLOSURE_N_ERRORS] = {
  [TECHO_DISCLOSURE_ERROR_NO_PROFILE] = {
    N_("There are no records to share yet. Sync or import your records first."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_DISCLOSURE_ERROR_METHOD] = {
    N_("This consent was given for another way of sharing. Start sharing again and choose how."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_DISCLOSURE_ERROR_RECORDED] = {
    N_("This consent was used already. Start sharing again to give a new one."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_DISCLOSURE_ERROR_SENT] = {
    N_("These records were already shared under this consent. Start sharing again to share them once more."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorSentence host_sentences[TECHO_HOST_N_ERRORS] = {
  [TECHO_HOST_ERROR_INVALID] = {
    N_("The share host address or the share settings are not valid. Check the address in Preferences."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_HOST_ERROR_UNREACHABLE] = {
    N_("Techo could not reach the share host. Check that this computer is online, then retry."),
    TECHO_ERROR_NEXT_RETRY },
  [TECHO_HOST_ERROR_REFUSED] = {
    N_("The share host refused the request. Retry later, or ask whoever runs the host."),
    TECHO_ERROR_NEXT_RETRY },
};

static const TechoErrorSentence share_host_sentences[TECHO_SHARE_HOST_N_ERRORS] = {
  [TECHO_SHARE_HOST_ERROR_FAILED] = {
    N_("The share host stopped unexpectedly. Start it again."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHARE_HOST_ERROR_LISTEN] = {
    N_("The share host could not listen on that address or load its TLS files. Check the address and the certificate."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHARE_HOST_ERROR_INVALID] = {
    N_("The share host settings are not valid. Check its options."),
    TECHO_ERROR_NEXT_NONE },
  [TECHO_SHARE_HOST_ERROR_DATA] = {
    N_("The share host cannot use its data folder. Check that it exists and only the host may write to it."),
    TECHO_ERROR_NEXT_NONE },
};

static const TechoErrorDomain domains[] = {
  { "consent", techo_consent_error_quark, consent_sentences, TECHO_CONSENT_N_ERRORS },
  { "export", techo_export_error_quark, export_sentences, TECHO_EXPORT_N_ERRORS },
  { "shl", techo_shl_error_quark, shl_sentences, TECHO_SHL_N_ERRORS },
  { "shl_fetch", techo_shl_fetch_error_quark, shl_fetch_sentences, TECHO_SHL_FETCH_N_ERRORS },
  { "share", techo_share_error_quark, share_sentences, TECHO_SHARE_N_ERRORS },
  { "report", techo_report_error_quark, report_sentences, TECHO_REPORT_N_ERRORS },
  { "qr", techo_qr_error_quark, qr_sentences, TECHO_QR_N_ERRORS },
  { "cda", techo_cda_error_quark, cda_sentences, TECHO_CDA_N_ERRORS },
  { "csv", techo_csv_error_quark, csv_sentences, TECHO_CSV_N_ERRORS },
  { "fhir", techo_fhir_error_quark, fhir_sentences, TECHO_FHIR_N_ERRORS },
  { "jahis", techo_jahis_error_quark, jahis_sentences, TECHO_JAHIS_N_ERRORS },
  { "mhlw", techo_mhlw_error_quark, mhlw_sentences, TECHO_MHLW_N_ERRORS },
  { "qr_image", techo_qr_image_error_quark, qr_image_sentences, TECHO_QR_IMAGE_N_ERRORS },
  { "store", techo_store_error_quark, store_sentences, TECHO_STORE_N_ERRORS },
  { "vault", techo_vault_error_quark, vault_sentences, TECHO_VAULT_N_ERRORS },
  { "json", techo_json_error_quark, json_sentences, TECHO_JSON_N_ERRORS },
  { "secure", techo_secure_error_quark, secure_sentences, TECHO_SECURE_N_ERRORS },
  { "import", techo_import_error_quark, import_sentences, TECHO_IMPORT_N_ERRORS },
  { "portal", techo_portal_error_quark, portal_sentences, TECHO_PORTAL_N_ERRORS },
  { "disclosure", techo_disclosure_error_quark, disclosure_sentences, TECHO_DISCLOSURE_N_ERRORS },
  { "host", techo_host_error_quark, host_sentences, TECHO_HOST_N_ERRORS },
  { "share_host", techo_share_host_error_quark, share_host_sentences, TECHO_SHARE_HOST_N_ERRORS },
  { "app", techo_app_error_quark, app_sentences, TECHO_APP_N_ERRORS },
};

static const TechoErrorSentence *
find_sentence (GQuark domain,
               int    code)
{
  for (guint i = 0; i < G_N_ELEMENTS (domains); i++)
    if (domains[i].quark () == domain)
      {
        if (code < 0 || (guint) code >= domains[i].n_sentences
            || domains[i].sentences[code].text == NULL)
          return NULL;
        return &domains[i].sentences[code];
      }
  return NULL;
}

const char *
techo_error_text_lookup (GQuark domain,
                         int    code)
{
  const TechoErrorSentence *sentence = find_sentence (domain, code);

  return sentence != NULL ? sentence->text : NULL;
}

const char *
techo_error_text (const GError *error)
{
  const TechoErrorSentence *sentence;

  g_return_val_if_fail (error != NULL, NULL);

  sentence = find_sentence (error->domain, error->code);
  if (sentence != NULL)
    return _(sentence->text);
  /* GLib's own domains: files chosen by the user, mostly. */
  if (error->domain == G_IO_ERROR)
    switch (error->code)
      {
      case G_IO_ERROR_CANCELLED:
        return _("Stopped. Nothing was changed.");
      case G_IO_ERROR_NO_SPACE:
        return _("The disk is full. Free some disk space, then retry.");
      case G_IO_ERROR_PERMISSION_DENIED:
      case G_IO_ERROR_READ_ONLY:
        return _("Techo is not allowed to use that file or folder. Choose another place.");
      case G_IO_ERROR_NOT_FOUND:
        return _("That file or folder does not exist any more. Choose another.");
      default:
        break;
      }
  if (error->domain == G_FILE_ERROR && error->code == G_FILE_ERROR_NOSPC)
    return _("The disk is full. Free some disk space, then retry.");
  if (error->domain == G_FILE_ERROR
      && (error->code == G_FILE_ERROR_ACCES || error->code == G_FILE_ERROR_PERM
          || error->code == G_FILE_ERROR_ROFS))
    return _("Techo is not allowed to use that file or folder. Choose another place.");
  return _("Something went wrong. Retry; the details say more.");
}

TechoErrorNext
techo_error_text_next (const GError *error)
{
  const TechoErrorSentence *sentence;

  g_return_val_if_fail (error != NULL, TECHO_ERROR_NEXT_NONE);

  sentence = find_sentence (error->domain, error->code);
  if (sentence != NULL)
    return sentence->next;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    return TECHO_ERROR_NEXT_FREE_SPACE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TECHO_ERROR_NEXT_NONE;
  return TECHO_ERROR_NEXT_RETRY;
}

const char *
techo_error_text_next_label (TechoErrorNext next)
{
  switch (next)
    {
    case TECHO_ERROR_NEXT_RETRY:
    case TECHO_ERROR_NEXT_UNLOCK:
    case TECHO_ERROR_NEXT_FREE_SPACE:
      return _("_Retry");
    case TECHO_ERROR_NEXT_SIGN_IN:
      return _("_Sign In Again");
    case TECHO_ERROR_NEXT_NONE:
    default:
      return NULL;
    }
}

char *
techo_error_text_dup_details (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  return g_strdup_printf ("%s\n(%s %d)", error->message,
                          g_quark_to_string (error->domain), error->code);
}

void
techo_error_text_log (const char   *what,
                      const GError *error)
{
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("%s: %s", what != NULL ? what : "cancelled", error->message);
  else
    g_message ("%s: %s (%s %d)", what != NULL ? what : "error", error->message,
               g_quark_to_string (error->domain), error->code);
}

char *
techo_error_text_dup_message (const char   *what,
                              const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (what == NULL || what[0] == '\0')
    return g_strdup (techo_error_text (error));
  /* Translators: a heading ("Could not save the file.") and the sentence
   * saying why and what to do next. */
  return g_strdup_printf (C_("error", "%s %s"), what, techo_error_text (error));
}

GtkWidget *
techo_error_details_new (const char *details)
{
  GtkWidget *expander = gtk_expander_new_with_mnemonic (_("_Details"));
  GtkWidget *label = gtk_label_new (details);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 6);
  gtk_expander_set_child (GTK_EXPANDER (expander), label);
  gtk_widget_add_css_class (expander, "error-details");
  return expander;
}

GtkWidget *
techo_error_dialog_show (GtkWindow    *parent,
                         const char   *heading,
                         const GError *error)
{
  g_autofree char *details = NULL;
  GtkWidget *dialog;

  g_return_val_if_fail (error != NULL, NULL);

  details = techo_error_text_dup_details (error);
  techo_error_text_log (heading, error);
  dialog = techo_alert_new (parent, heading, techo_error_text (error));
  techo_alert_add_response (TECHO_ALERT (dialog), "close", _("_Close"));
  techo_alert_set_default_response (TECHO_ALERT (dialog), "close");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "close");
  techo_alert_set_extra_child (TECHO_ALERT (dialog),
                                      techo_error_details_new (details));
  techo_alert_present (TECHO_ALERT (dialog));
  return dialog;
}
