/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cda-private.h: names the CDA writer and reader share. */

#pragma once

#define TECHO_CDA_NS_HL7       "urn:hl7-org:v3"
#define TECHO_CDA_NS_XSI       "http://www.w3.org/2001/XMLSchema-instance"
#define TECHO_CDA_TYPE_ID_ROOT "2.16.840.1.113883.1.3"
#define TECHO_CDA_TYPE_ID_EXT  "POCD_HD000040"
#define TECHO_CDA_OID_INTERPRETATION "2.16.840.1.113883.5.83"
#define TECHO_CDA_OID_CONFIDENTIALITY "2.16.840.1.113883.5.25"
#define TECHO_CDA_SECTION_CHECKUP "01010"
#define TECHO_CDA_SECTION_OTHER   "01990"
