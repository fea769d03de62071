/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The share dialog's link: the addresses a link can be served on, the
 * page's share server for each, the publication through the consent gate
 * (techo_share_publish_async: the gate and the encryption on a worker
 * thread, serving on this context) and the QR code. */

#define G_LOG_DOMAIN "techo-share-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include "techo-qr.h"
#include "techo-share-dialog-private.h"

/* The addresses a link can be served on: this computer only, then the
 * address of each network interface that is up (a recipient on the same
 * network reaches those). */
void
techo_share_dialog_fill_addresses (TechoShareDialog *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  struct ifaddrs *list = NULL;

  g_ptr_array_add (self->addresses, g_strdup ("127.0.0.1"));
  gtk_string_list_append (model, _("This computer only"));
  if (getifaddrs (&list) == 0)
    {
      for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
        {
          g_autoptr(GInetAddress) inet = NULL;
          g_autofree char *text = NULL;
          g_autofree char *label = NULL;

          if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
            continue;
          if (i->ifa_addr->sa_family == AF_INET)
            inet = g_inet_address_new_from_bytes ((const guint8 *) &((struct sockaddr_in *) i->ifa_addr)->sin_addr,
                                                  G_SOCKET_FAMILY_IPV4);
          else if (i->ifa_addr->sa_family == AF_INET6)
            inet = g_inet_address_new_from_bytes ((const guint8 *) &((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr,
                                                  G_SOCKET_FAMILY_IPV6);
          /* Link-local IPv6 needs a scope a link cannot carry. */
          if (inet == NULL || g_inet_address_get_is_link_local (inet)
              || g_inet_address_get_is_loopback (inet) || self->addresses->len >= 16)
            continue;
          text = g_inet_address_to_string (inet);
          /* Translators: a network interface and its address, e.g. "Local network (wlan0, 192.168.1.5)". */
          label = g_strdup_printf (_("Local network (%s, %s)"), i->ifa_name, text);
          g_ptr_array_add (self->addresses, g_steal_pointer (&text));
          gtk_string_list_append (model, label);
        }
      freeifaddrs (list);
    }
  adw_combo_row_set_model (self->address_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->address_row, 0);
}

static const char *
chosen_address (TechoShareDialog *self)
{
  guint index = adw_combo_row_get_selected (self->address_row);

  return index < self->addresses->len ? g_ptr_array_index (self->addresses, index) : "127.0.0.1";
}

/* The page's server for @address, made and bound on first use. */
static TechoShareServer *
server_for (TechoShareDialog  *self,
            const char        *address,
            GError           **error)
{
  TechoShareServer *server = g_hash_table_lookup (self->servers, address);
  g_autoptr(TechoShareServer) made = NULL;

  if (server != NULL)
    return server;
  made = techo_share_server_new (self->store);
  if (!techo_share_server_listen (made, address, 0, error))
    return NULL;
  g_hash_table_insert (self->servers, g_strdup (address), g_object_ref (made));
  return made;
}

typedef struct
{
  TechoShareDialog *self;
  gint64 expires_at;
} Publishing;

static void
published_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Publishing *publishing = user_data;
  g_autoptr(TechoShareDialog) self = publishing->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *until = techo_share_time_text (publishing->expires_at);
  g_autofree char *expiry = NULL;
  gint64 consent_id = 0;
  char *link;

  g_free (publishing);
  link = techo_share_publish_finish (TECHO_SHARE_SERVER (source), result, &consent_id, &error);
  techo_share_dialog_consented (self, consent_id);
  /* Closed while the link was made: nothing left to show. */
  if (self->stack == NULL)
    {
      g_free (link);
      return;
    }
  if (link == NULL)
    {
      techo_share_dialog_fail (self, error);
      return;
    }
  g_free (self->link);
  self->link = link;
  gtk_label_set_text (self->link_label, link);
  /* Translators: %s is a date and time. */
  expiry = g_strdup_printf (_("Valid until %s, while Techo is open on this computer. Stop it any time on the Sharing page."),
                            until);
  gtk_label_set_text (self->link_expiry_label, expiry);
  gtk_widget_queue_draw (GTK_WIDGET (self->qr_area));
  techo_share_dialog_show_step (self, "link");
}

void
techo_share_dialog_start_link (TechoShareDialog *self,
                               TechoConsent     *consent)
{
  const char *passcode = gtk_editable_get_text (GTK_EDITABLE (self->passcode_row));
  TechoShareOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  TechoShareServer *server;
  Publishing *publishing;

  server = server_for (self, chosen_address (self), &error);
  if (server == NULL)
    {
      techo_consent_free (consent);
      techo_share_dialog_fail (self, error);
      return;
    }
  options.passcode = passcode[0] != '\0' ? passcode : NULL;
  options.label = _("Records from Techo");
  publishing = g_new0 (Publishing, 1);
  publishing->self = g_object_ref (self);
  publishing->expires_at = consent->expires_at;
  techo_share_dialog_show_step (self, "busy");
  techo_share_publish_async (self->store, server, techo_share_dialog_profile_id (self), consent,
                             &options, self->cancellable, published_cb, publishing);
  techo_consent_free (consent);
}

void
techo_share_dialog_draw_qr (GtkDrawingArea *area,
                            cairo_t        *cr,
                            int             width,
                            int             height,
                            gpointer        user_data)
{
  TechoShareDialog *self = user_data;
  double size = MIN (width, height);

  if (self->link == NULL)
    return;
  techo_qr_draw (cr, self->link, (width - size) / 2, (height - size) / 2, size, NULL);
}
