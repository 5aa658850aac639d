/* What counts as one reaction: a single emoji, as the server enforces it and the clients
 * check before sending. Inputs are byte ranges from anywhere (nothing is trusted). */
#ifndef CHAT_EMOJI_H
#define CHAT_EMOJI_H

#include <stdbool.h>
#include <stddef.h>

/* True when bytes[0..len) (at most PROTO_MAX_EMOJI bytes of valid UTF-8) is one emoji
 * (Unicode TS #51): a pictographic character, or a keycap, or a flag of two regional
 * indicators, optionally with a variation selector, skin tone or tag sequence, and
 * pictographs joined by ZWJ. Text, spaces and several emoji side by side are not. */
bool emoji_check(const char *bytes, size_t len);

#endif
