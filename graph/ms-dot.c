/* placeholder: ms-dot.c is being written */
typedef int ms_dot_placeholder_t;
