/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-xml-private.h: what the XML readers of formats (CDA, マイナポータル
 * XML) check alike before and after libxml2 parses: nothing that loads or
 * expands, and caps on elements and depth. Each reader words its own
 * errors from the problem found. */

#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

typedef enum
{
  TECHO_XML_OK,
  TECHO_XML_TOO_MANY,  /* more elements than the cap */
  TECHO_XML_TOO_DEEP,  /* nested deeper than the cap */
  TECHO_XML_DOCTYPE,   /* a DOCTYPE or an entity declaration */
  TECHO_XML_ENTITIES,  /* an entity (reference, declaration, DTD) in the tree */
} TechoXmlProblem;

/* Before libxml2 sees a byte: counts the tags against @max_elements
 * (with room for end tags) and refuses DOCTYPE and ENTITY declarations. */
TechoXmlProblem techo_xml_precheck   (const char  *text,
                                      gsize        length,
                                      guint        max_elements);

/* After parsing: no DOCTYPE subset, no entity node, at most @max_depth
 * deep and @max_elements elements. @where: the node at fault (may be NULL). */
TechoXmlProblem techo_xml_check_tree (xmlDocPtr    doc,
                                      guint        max_depth,
                                      guint        max_elements,
                                      xmlNodePtr  *where);

/* Parses with NONET and nothing that loads or expands (no NOENT, no
 * DTDLOAD, no HUGE: libxml2's own limits stay on). NULL when it is not
 * well-formed, with the first error libxml2 reported: its line and
 * message (free it). */
xmlDocPtr       techo_xml_parse      (const char  *text,
                                      gsize        length,
                                      const char  *name,
                                      int         *error_line,
                                      char       **error_message);

G_END_DECLS
