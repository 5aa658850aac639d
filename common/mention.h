/* Mentions: "@name" in a chat text, matched under the same look-alike folding as
 * account names (common/validate.h), so "@ALICE", "@Alicе" (a Cyrillic е) and
 * "@ａｌｉｃｅ" all mention alice, as all of them would be refused as new names beside
 * hers. Texts come from the network: nothing here trusts them. */
#ifndef CHAT_MENTION_H
#define CHAT_MENTION_H

#include <stdbool.h>
#include <stddef.h>

/* True when text (len bytes) mentions the user whose name_fold_key() is key: an '@' at
 * the start or after a character that is not part of a word, then a valid name (the
 * rules of name_check) with that key, then the end of the text or a character that is
 * not part of a word. Words are letters, digits, marks and '_'. */
bool mention_find(const char *text, size_t len, const char *key);

#endif
