/* placeholder: ms-json.c is being written */
typedef int ms_json_placeholder_t;
