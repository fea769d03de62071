/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The share dialog's link, served one of two ways:
 *  - on the share host set in Preferences → Sharing: the gate records the
 *    consent, the records are encrypted here and only the ciphertext is
 *    uploaded (techo_host_publish_async, on a worker thread); the QR
 *    holds the viewer URL (<host>/#shlink:/…) any phone camera opens;
 *  - on this computer only: Techo's own share server on 127.0.0.1, while
 *    it runs (techo_share_publish_async), for a browser on this computer.
 * A link for another device on Techo's own server is not offered: it
 * would stop working when Techo closes and most phones cannot reach it. */

#define G_LOG_DOMAIN "techo-share-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-host-client.h"
#include "techo-qr.h"
#include "techo-share-dialog-private.h"

#define THIS_COMPUTER "127.0.0.1"

char *
techo_share_dialog_host_url (TechoShareDialog  *self,
                             GError           **error)
{
  g_autofree char *url = g_settings_get_string (self->settings, "share-host-url");

  g_strstrip (url);
  if (url[0] == '\0')
    {
      g_set_error_literal (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_INVALID,
                           "No share host is set.");
      return NULL;
    }
  return techo_host_normalize_url (url, error);
}

gboolean
techo_share_host_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* The page's server on this computer, made and bound on first use. */
static TechoShareServer *
local_server (TechoShareDialog  *self,
              GError           **error)
{
  TechoShareServer *server = g_hash_table_lookup (self->servers, THIS_COMPUTER);
  g_autoptr(TechoShareServer) made = NULL;

  if (server != NULL)
    return server;
  made = techo_share_server_new (self->store);
  if (!techo_share_server_listen (made, THIS_COMPUTER, 0, error))
    return NULL;
  g_hash_table_insert (self->servers, g_strdup (THIS_COMPUTER), g_object_ref (made));
  return made;
}

typedef struct
{
  TechoShareDialog *self;
  gint64 expires_at;
  char *host;
} Publishing;

static void
publishing_free (Publishing *publishing)
{
  g_object_unref (publishing->self);
  g_free (publishing->host);
  g_free (publishing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Publishing, publishing_free)

/* The link step: the QR (of the viewer URL for a hosted link), where it
 * can be opened from, and until when. */
static void
show_link (TechoShareDialog *self,
           Publishing       *publishing)
{
  g_autofree char *until = techo_share_time_text (publishing->expires_at);
  g_autofree char *expiry = NULL;

  if (publishing->host != NULL)
    {
      gtk_label_set_text (self->link_title_label, _("Let the doctor scan this code"));
      gtk_label_set_text (self->link_label, self->viewer_url);
      if (techo_share_host_is_loopback (publishing->host))
        /* Translators: %s are a date and time, then the share host's address. */
        expiry = g_strdup_printf (_("Valid until %s on the share host %s. That host is this "
                                    "computer: only this computer can open the link. Stop it any "
                                    "time on the Sharing page."), until, publishing->host);
      else
        /* Translators: %s are a date and time, then the share host's address. */
        expiry = g_strdup_printf (_("Valid until %s on the share host %s, also while this "
                                    "computer is off. Stop it any time on the Sharing page."),
                                  until, publishing->host);
      gtk_widget_set_visible (GTK_WIDGET (self->qr_area), TRUE);
    }
  else
    {
      /* No QR: a phone could not reach 127.0.0.1. */
      gtk_label_set_text (self->link_title_label, _("Open this link on this computer"));
      gtk_label_set_text (self->link_label, self->link);
      /* Translators: %s is a date and time. */
      expiry = g_strdup_printf (_("Valid until %s, only on this computer and only while Techo is "
                                  "open. Stop it any time on the Sharing page."), until);
      gtk_widget_set_visible (GTK_WIDGET (self->qr_area), FALSE);
    }
  gtk_label_set_text (self->link_expiry_label, expiry);
  gtk_widget_queue_draw (GTK_WIDGET (self->qr_area));
  techo_share_dialog_show_step (self, "link");
}

/* What both ways of publishing do with their answer: the consent is
 * recorded, then the link (and the host's viewer address, NULL for a link
 * served here) shown, or the error. Takes @link and @viewer_url. */
static void
show_published (Publishing   *publishing,
                char         *link,
                char         *viewer_url,
                gint64        consent_id,
                const GError *error)
{
  TechoShareDialog *self = publishing->self;

  techo_share_dialog_consented (self, consent_id);
  /* Closed while the link was made: nothing left to show. */
  if (self->stack == NULL)
    {
      g_free (link);
      g_free (viewer_url);
      return;
    }
  if (link == NULL)
    {
      g_free (viewer_url);
      techo_share_dialog_fail (self, error);
      return;
    }
  g_free (self->link);
  self->link = link;
  g_free (self->viewer_url);
  self->viewer_url = viewer_url;
  show_link (self, publishing);
}

static void
published_here_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Publishing) publishing = user_data;
  g_autoptr(GError) error = NULL;
  gint64 consent_id = 0;
  char *link;

  link = techo_share_publish_finish (TECHO_SHARE_SERVER (source), result, &consent_id, &error);
  show_published (publishing, link, NULL, consent_id, error);
}

static void
published_on_host_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Publishing) publishing = user_data;
  g_autoptr(GError) error = NULL;
  char *viewer_url = NULL;
  gint64 consent_id = 0;
  char *link;

  link = techo_host_publish_finish (TECHO_STORE (source), result, &viewer_url, &consent_id, &error);
  show_published (publishing, link, viewer_url, consent_id, error);
}

void
techo_share_dialog_start_link (TechoShareDialog *self,
                               TechoConsent     *consent)
{
  const char *passcode = gtk_editable_get_text (GTK_EDITABLE (self->passcode_row));
  const char *label = _("Records from Techo");
  g_autoptr(TechoConsent) owned = consent;
  g_autoptr(GError) error = NULL;
  TechoShareServer *server = NULL;
  Publishing *publishing;

  if (passcode[0] == '\0')
    passcode = NULL;
  publishing = g_new0 (Publishing, 1);
  publishing->self = g_object_ref (self);
  publishing->expires_at = consent->expires_at;
  if (techo_share_dialog_current_link_kind (self) == TECHO_SHARE_LINK_HOST)
    publishing->host = techo_share_dialog_host_url (self, &error);
  else
    server = local_server (self, &error);
  if (publishing->host == NULL && server == NULL)
    {
      publishing_free (publishing);
      techo_share_dialog_fail (self, error);
      return;
    }
  techo_share_dialog_show_step (self, "busy");
  if (publishing->host != NULL)
    {
      TechoHostShareOptions options = { .host_url = publishing->host, .passcode = passcode,
                                        .label = label };

      techo_host_publish_async (self->store, techo_share_dialog_profile_id (self), consent,
                                &options, self->cancellable, published_on_host_cb, publishing);
    }
  else
    {
      TechoShareOptions options = { .passcode = passcode, .label = label };

      techo_share_publish_async (server, techo_share_dialog_profile_id (self), consent,
                                 &options, self->cancellable, published_here_cb, publishing);
    }
}

void
techo_share_dialog_draw_qr (GtkDrawingArea *area,
                            cairo_t        *cr,
                            int             width,
                            int             height,
                            gpointer        user_data)
{
  TechoShareDialog *self = user_data;
  const char *text = self->viewer_url != NULL ? self->viewer_url : self->link;
  double size = MIN (width, height);

  if (text == NULL)
    return;
  techo_qr_draw (cr, text, (width - size) / 2, (height - size) / 2, size, NULL);
}
