/* conf_file.c - see conf_file.h. */
#include "config.h"

#include "conf_file.h"

int
conf_file_read(config_t *cfg, const char *path, const char *what, struct err *e)
{
	config_init(cfg);
	if (config_read_file(cfg, path) == CONFIG_TRUE)
		return 0;
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		err_set(e, "%s: cannot read%s%s", path, what != NULL ? " " : "",
			what != NULL ? what : "");
	else
		err_set(e, "%s:%d: %s", config_error_file(cfg) != NULL ? config_error_file(cfg) : path,
			config_error_line(cfg), config_error_text(cfg));
	config_destroy(cfg);
	return -1;
}
