/* placeholder, replaced below */
#include "convert/convert_internal.h"
int cv_kql_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) { (void)cx; (void)r; (void)out; rdx_strbuf_puts(why, "not implemented"); return 0; }
int cv_spl_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) { (void)cx; (void)r; (void)out; rdx_strbuf_puts(why, "not implemented"); return 0; }
int cv_esql_rule(rdx_convert_ctx *cx, const rdx_rule *r, rdx_strbuf *out, rdx_strbuf *why) { (void)cx; (void)r; (void)out; rdx_strbuf_puts(why, "not implemented"); return 0; }
