/* mirage/mirage.h: every interface of the runtime at once. */
#ifndef MIRAGE_MIRAGE_H
#define MIRAGE_MIRAGE_H

#include "mirage/argv.h"
#include "mirage/block.h"
#include "mirage/ipaddr.h"
#include "mirage/kv_ro.h"
#include "mirage/kv_rw.h"
#include "mirage/log.h"
#include "mirage/main.h"
#include "mirage/mtime.h"
#include "mirage/ptime.h"
#include "mirage/random.h"
#include "mirage/reporter.h"
#include "mirage/sleep.h"
#include "mirage/stack.h"
#include "mirage/task.h"

#endif /* MIRAGE_MIRAGE_H */
