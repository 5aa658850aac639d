/* IRC as the load generator speaks it (RFC 2812 subset, enough for ngircd): NICK and
 * USER, wait for 001, JOIN #bench, and the end of NAMES (366) means "in the room".
 * NAMES entries, JOIN, PART and QUIT keep the member count; PRIVMSG lines are
 * deliveries. IRC does not echo a message to its sender. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/dialect.h"

#define IRC_CHANNEL "#bench"
#define IRC_MAX_LINE 8192u /* a longer line without CR LF is a broken stream */

enum irc_login_step { IRC_SENT_USER, IRC_SENT_JOIN, IRC_IN_ROOM };

static void irc_queue(struct load *ld, struct conn *c, const char *line)
{
    outbuf_append(load_output(ld, c), line, strlen(line));
}

static void irc_conn_init(struct conn *c)
{
    c->in.lines = (struct linebuf){ 0 };
}

static void irc_conn_release(struct conn *c)
{
    free(c->in.lines.data);
    c->in.lines = (struct linebuf){ 0 };
}

static void irc_login(struct load *ld, struct conn *c)
{
    char name[16], line[96];
    load_conn_name(c, name);
    snprintf(line, sizeof line, "NICK %s\r\nUSER %s 0 * :chat-bench\r\n", name, name);
    c->login_step = IRC_SENT_USER;
    irc_queue(ld, c, line);
}

/* Words separated by spaces in [p, end). */
static int64_t irc_count_words(const char *p, const char *end)
{
    int64_t words = 0;
    bool in_word = false;
    for (; p < end; p++) {
        if (*p == ' ') {
            in_word = false;
        } else if (!in_word) {
            in_word = true;
            words++;
        }
    }
    return words;
}

/* The trailing parameter of the parameters in [p, end): after the first " :" (or a
 * leading ':'), else NULL. */
static const char *irc_trailing(const char *p, const char *end)
{
    if (p < end && *p == ':')
        return p + 1;
    for (; p + 1 < end; p++)
        if (p[0] == ' ' && p[1] == ':')
            return p + 2;
    return NULL;
}

static bool irc_is(const char *cmd, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(cmd, word, len) == 0;
}

/* Numeric replies: login progress, NAMES, and errors. */
static void irc_numeric(struct load *ld, struct conn *c, int code, const char *line, size_t len,
                        const char *trail, const char *end)
{
    if (code == 1 && c->login_step == IRC_SENT_USER) {
        c->login_step = IRC_SENT_JOIN;
        irc_queue(ld, c, "JOIN " IRC_CHANNEL "\r\n");
    } else if (code == 353 && trail != NULL && c->login_step == IRC_SENT_JOIN) {
        load_members(ld, c, irc_count_words(trail, end));
    } else if (code == 366 && c->login_step == IRC_SENT_JOIN) {
        c->login_step = IRC_IN_ROOM;
        load_logged_in(ld, c);
    } else if (code >= 400 && code < 600 && code != 422 /* no MOTD file */) {
        char what[160];
        snprintf(what, sizeof what, "%.*s", (int)(len < 150 ? len : 150), line);
        load_server_error(ld, c, what);
    }
}

/* Acts on one line without its CR LF; false when the connection must end. */
static bool irc_line(struct load *ld, struct conn *c, const char *line, size_t len)
{
    const char *p = line, *end = line + len;
    if (p < end && *p == ':') { /* skip the prefix */
        const char *space = memchr(p, ' ', (size_t)(end - p));
        if (space == NULL)
            return true;
        p = space + 1;
    }
    const char *cmd = p;
    const char *space = memchr(p, ' ', (size_t)(end - p));
    size_t cmd_len = space ? (size_t)(space - cmd) : (size_t)(end - cmd);
    p = space ? space + 1 : end;
    const char *trail = irc_trailing(p, end);

    if (irc_is(cmd, cmd_len, "PRIVMSG")) {
        if (trail != NULL)
            load_text(ld, c, trail, (size_t)(end - trail));
    } else if (irc_is(cmd, cmd_len, "PING")) {
        char pong[IRC_MAX_LINE + 16];
        snprintf(pong, sizeof pong, "PONG :%.*s\r\n", (int)(trail ? end - trail : end - p),
                 trail ? trail : p);
        irc_queue(ld, c, pong);
    } else if (irc_is(cmd, cmd_len, "JOIN")) {
        if (c->login_step == IRC_IN_ROOM) /* our own JOIN is already in the NAMES list */
            load_members(ld, c, 1);
    } else if (irc_is(cmd, cmd_len, "PART") || irc_is(cmd, cmd_len, "QUIT")) {
        if (c->login_step == IRC_IN_ROOM)
            load_members(ld, c, -1);
    } else if (irc_is(cmd, cmd_len, "ERROR")) {
        char what[160];
        snprintf(what, sizeof what, "%.*s", (int)(len < 150 ? len : 150), line);
        load_server_error(ld, c, what);
        return false;
    } else if (cmd_len == 3 && cmd[0] >= '0' && cmd[0] <= '9') {
        irc_numeric(ld, c, atoi(cmd), line, len, trail, end);
    }
    return true;
}

/* Handles every whole line in buf[0..n); returns the bytes consumed. */
static size_t irc_lines(struct load *ld, struct conn *c, const char *buf, size_t n, bool *ok)
{
    size_t at = 0;
    const char *nl;
    while (*ok && (nl = memchr(buf + at, '\n', n - at)) != NULL) {
        size_t stop = (size_t)(nl - buf), len = stop - at;
        if (len > 0 && buf[stop - 1] == '\r')
            len--;
        *ok = irc_line(ld, c, buf + at, len);
        at = stop + 1;
    }
    return at;
}

/* Lines are parsed straight from the read buffer; only an unfinished tail is kept. */
static bool irc_input(struct load *ld, struct conn *c, const uint8_t *bytes, size_t n)
{
    struct linebuf *lb = &c->in.lines;
    bool ok = true;
    size_t len;
    const char *src = linebuf_join(lb, bytes, n, &len);
    size_t used = irc_lines(ld, c, src, len, &ok);
    if (len - used > IRC_MAX_LINE) {
        load_server_error(ld, c, "line longer than IRC allows");
        return false;
    }
    linebuf_keep(lb, src, used, len);
    return ok;
}

static void irc_send_text(struct load *ld, struct conn *c, const char *text, size_t len,
                          uint64_t client_id)
{
    (void)client_id; /* IRC has no acknowledgement to match it against */
    static const char head[] = "PRIVMSG " IRC_CHANNEL " :";
    struct outbuf *ob = load_output(ld, c);
    uint8_t *p = outbuf_reserve(ob, sizeof head - 1 + len + 2);
    memcpy(p, head, sizeof head - 1);
    memcpy(p + sizeof head - 1, text, len);
    memcpy(p + sizeof head - 1 + len, "\r\n", 2);
    outbuf_commit(ob, sizeof head - 1 + len + 2);
}

const struct dialect dialect_irc = {
    .name = "irc",
    .max_text = 400, /* 512-byte lines, less the prefix the server adds when relaying */
    .conn_init = irc_conn_init,
    .conn_release = irc_conn_release,
    .login = irc_login,
    .input = irc_input,
    .send_text = irc_send_text,
};
