/* The configuration file, read into option arguments (see config.h). GKeyFile decodes the
 * values; the lines are also scanned here, because GKeyFile does not say on which line a
 * key or an error is, and every complaint must. */
#include "server/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void config_args_init(struct config_args *args, const char *argv0)
{
    args->argv = g_ptr_array_new_with_free_func(g_free);
    args->origin = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(args->argv, g_strdup(argv0));
    g_ptr_array_add(args->origin, NULL);
    g_ptr_array_add(args->argv, NULL);
}

/* Appends one argument, keeping argv NULL-terminated. */
static void add_arg(struct config_args *args, char *arg, char *origin)
{
    args->argv->pdata[args->argv->len - 1] = arg;
    g_ptr_array_add(args->argv, NULL);
    g_ptr_array_add(args->origin, origin);
}

void config_args_add_command_line(struct config_args *args, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        add_arg(args, g_strdup(argv[i]), NULL);
}

const char *config_args_origin(const struct config_args *args, int i)
{
    return i >= 0 && (guint)i < args->origin->len ? args->origin->pdata[i] : NULL;
}

void config_args_free(struct config_args *args)
{
    g_ptr_array_free(args->argv, TRUE);
    g_ptr_array_free(args->origin, TRUE);
    args->argv = args->origin = NULL;
}

static int fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
static int fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
    int n = line > 0 ? snprintf(err, errlen, "%s:%d: ", path, line)
                     : snprintf(err, errlen, "%s: ", path);
    if (n >= 0 && (size_t)n < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const struct option *find_option(const struct option *options, const char *name)
{
    for (const struct option *o = options; o->name != NULL; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static bool is_refused(const char *const *refused, const char *name)
{
    for (; *refused != NULL; refused++)
        if (strcmp(*refused, name) == 0)
            return true;
    return false;
}

/* Turns the key on line (1-based) into an argument, or fails naming that line. With no
 * file, only checks that the key is an option that may be set here. */
static int add_key(struct config_args *args, GKeyFile *file, const char *path, int line,
                   const char *key, const struct option *options, const char *const *refused,
                   char *err, size_t errlen)
{
    const struct option *o = find_option(options, key);
    if (o == NULL)
        return fail(err, errlen, path, line, "unknown key '%s' (keys are the long options "
                    "of chat-server --help)", key);
    if (is_refused(refused, key))
        return fail(err, errlen, path, line, "'%s' can only be given on the command line",
                    key);
    if (file == NULL) /* checking the syntax only */
        return 0;
    GError *error = NULL;
    char *origin = g_strdup_printf("%s:%d", path, line);
    if (o->has_arg == no_argument) {
        gboolean on = g_key_file_get_boolean(file, CONFIG_GROUP, key, &error);
        if (error != NULL) {
            g_error_free(error);
            g_free(origin);
            return fail(err, errlen, path, line, "'%s' takes true or false", key);
        }
        if (on)
            add_arg(args, g_strdup_printf("--%s", key), origin);
        else
            g_free(origin);
        return 0;
    }
    char *value = g_key_file_get_string(file, CONFIG_GROUP, key, &error);
    if (value == NULL) {
        fail(err, errlen, path, line, "bad value for '%s': %s", key, error->message);
        g_error_free(error);
        g_free(origin);
        return -1;
    }
    add_arg(args, g_strdup_printf("--%s=%s", key, value), origin);
    g_free(value);
    return 0;
}

/* Goes through the lines in order: comments, blank lines, the one group, and keys, each
 * key set at most once; with no file, checks the syntax and the keys only. */
static int scan_lines(struct config_args *args, GKeyFile *file, const char *path,
                      char **lines, const struct option *options, const char *const *refused,
                      char *err, size_t errlen)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    bool in_group = false;
    int status = 0;
    for (int i = 0; lines[i] != NULL && status == 0; i++) {
        int line = i + 1;
        char *text = g_strstrip(lines[i]);
        char *eq = strchr(text, '=');
        if (text[0] == '\0' || text[0] == '#') {
            continue;
        } else if (text[0] == '[') {
            in_group = strcmp(text, "[" CONFIG_GROUP "]") == 0;
            if (!in_group)
                status = fail(err, errlen, path, line, "unknown group %s (the only one is "
                              "[" CONFIG_GROUP "])", text);
        } else if (eq == NULL || eq == text) {
            status = fail(err, errlen, path, line, "expected 'key = value', a [group] or a "
                          "# comment");
        } else if (!in_group) {
            status = fail(err, errlen, path, line, "a key before the [" CONFIG_GROUP "] "
                          "group");
        } else {
            *eq = '\0';
            char *key = g_strstrip(text);
            gpointer first = g_hash_table_lookup(seen, key);
            if (first != NULL)
                status = fail(err, errlen, path, line, "'%s' is set twice (first on line %d)",
                              key, GPOINTER_TO_INT(first));
            else
                status = add_key(args, file, path, line, key, options, refused, err, errlen);
            g_hash_table_insert(seen, g_strdup(key), GINT_TO_POINTER(line));
        }
    }
    g_hash_table_destroy(seen);
    return status;
}

int config_args_load(struct config_args *args, const char *path, const struct option *options,
                     const char *const *refused, char *err, size_t errlen)
{
    char *contents = NULL;
    gsize length = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, &length, &error)) {
        fail(err, errlen, path, 0, "cannot read the configuration: %s", error->message);
        g_error_free(error);
        return -1;
    }
    int status = 0;
    GKeyFile *file = g_key_file_new();
    if (!g_utf8_validate(contents, (gssize)length, NULL) || strlen(contents) != length) {
        status = fail(err, errlen, path, 0, "not UTF-8 text");
    } else if (!g_key_file_load_from_data(file, contents, length, G_KEY_FILE_NONE, &error)) {
        /* Our own scan names the line of most syntax errors; this is the fallback. */
        char **lines = g_strsplit(contents, "\n", -1);
        struct config_args scratch;
        config_args_init(&scratch, "");
        if (scan_lines(&scratch, NULL, path, lines, options, refused, err, errlen) == 0)
            fail(err, errlen, path, 0, "%s", error->message);
        config_args_free(&scratch);
        g_strfreev(lines);
        g_error_free(error);
        status = -1;
    } else {
        char **lines = g_strsplit(contents, "\n", -1);
        status = scan_lines(args, file, path, lines, options, refused, err, errlen);
        g_strfreev(lines);
    }
    g_key_file_free(file);
    g_free(contents);
    return status;
}
