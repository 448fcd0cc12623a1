/* ms-window-actions.c: placeholder. */
#include "ms-window.h"
