/* placeholder: ms-check.c is being written */
typedef int ms_check_placeholder_t;
