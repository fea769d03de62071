/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The checks the XML readers share (techo-xml-private.h). */

#include "config.h"

#include <string.h>

#include <libxml/parser.h>

#include "techo-xml-private.h"

TechoXmlProblem
techo_xml_precheck (const char *text,
                    gsize       length,
                    guint       max_elements)
{
  gsize n_tags = 0;

  for (const char *p = text; p < text + length; p++)
    {
      if (*p != '<')
        continue;
      if (++n_tags > 2 * (gsize) max_elements + 16)
        return TECHO_XML_TOO_MANY;
      if ((gsize) (text + length - p) >= 9
          && (memcmp (p, "<!DOCTYPE", 9) == 0 || memcmp (p, "<!ENTITY", 8) == 0))
        return TECHO_XML_DOCTYPE;
    }
  return TECHO_XML_OK;
}

static TechoXmlProblem
check_nodes (xmlNodePtr   node,
             guint        depth,
             guint        max_depth,
             guint        max_elements,
             guint       *n_elements,
             xmlNodePtr  *where)
{
  for (; node != NULL; node = node->next)
    {
      TechoXmlProblem problem = TECHO_XML_OK;

      if (node->type == XML_ENTITY_REF_NODE || node->type == XML_ENTITY_NODE
          || node->type == XML_DTD_NODE || node->type == XML_ENTITY_DECL)
        problem = TECHO_XML_ENTITIES;
      else if (node->type != XML_ELEMENT_NODE)
        continue;
      else if (depth > max_depth)
        problem = TECHO_XML_TOO_DEEP;
      else if (++*n_elements > max_elements)
        problem = TECHO_XML_TOO_MANY;
      else
        problem = check_nodes (node->children, depth + 1, max_depth, max_elements, n_elements,
                               where);
      if (problem != TECHO_XML_OK)
        {
          if (*where == NULL)
            *where = node;
          return problem;
        }
    }
  return TECHO_XML_OK;
}

TechoXmlProblem
techo_xml_check_tree (xmlDocPtr    doc,
                      guint        max_depth,
                      guint        max_elements,
                      xmlNodePtr  *where)
{
  guint n_elements = 0;
  xmlNodePtr at = NULL;
  TechoXmlProblem problem;

  if (doc->intSubset != NULL || doc->extSubset != NULL)
    problem = TECHO_XML_DOCTYPE;
  else
    problem = check_nodes (doc->children, 1, max_depth, max_elements, &n_elements, &at);
  if (where != NULL)
    *where = at;
  return problem;
}

/* The first error libxml2 reports (the last one is often only "premature
 * end of data" at the end of the file). */
typedef struct
{
  int line;
  char *message;
} FirstError;

static void
first_error_cb (void        *data,
                xmlErrorPtr  error)
{
  xmlParserCtxtPtr context = data;
  FirstError *first = context != NULL ? context->_private : NULL;

  if (first != NULL && error != NULL && first->message == NULL)
    {
      first->line = error->line;
      first->message = g_strstrip (g_strdup (error->message != NULL ? error->message : ""));
    }
}

xmlDocPtr
techo_xml_parse (const char  *text,
                 gsize        length,
                 const char  *name,
                 int         *error_line,
                 char       **error_message)
{
  xmlParserCtxtPtr context;
  xmlDocPtr doc;
  FirstError first = { 0, NULL };

  *error_line = 0;
  *error_message = NULL;
  context = length <= G_MAXINT ? xmlNewParserCtxt () : NULL;
  if (context == NULL)
    {
      *error_message = g_strdup (length <= G_MAXINT ? "the parser could not start" : "too large");
      return NULL;
    }
  context->_private = &first;
  context->sax->serror = first_error_cb;
  doc = xmlCtxtReadMemory (context, text, (int) length, name, "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL || !context->wellFormed)
    {
      if (first.message == NULL)
        {
          first.line = context->lastError.line;
          first.message = g_strstrip (g_strdup (context->lastError.message != NULL
                                                ? context->lastError.message : ""));
        }
      *error_line = first.line;
      *error_message = g_steal_pointer (&first.message);
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  g_free (first.message);
  xmlFreeParserCtxt (context);
  return doc;
}
