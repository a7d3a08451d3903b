/* ruledex.h — the whole public API of the ruledex core library. */
#ifndef RULEDEX_H
#define RULEDEX_H
#include "arena.h"
#include "build.h"
#include "diag.h"
#include "engine.h"
#include "event.h"
#include "evtx.h"
#include "frontend.h"
#include "json.h"
#include "reader.h"
#include "pattern.h"
#include "rule.h"
#include "sigma.h"
#include "strbuf.h"
#include "value.h"
#define RULEDEX_VERSION "0.1.0"
#endif
