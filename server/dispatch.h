/* From decoded frames to handlers: the command table, per-state rules, the answers to
 * bad frames, and the small chat commands (PING, GOODBYE, TEXT_SEND). */
#ifndef CHAT_SERVER_DISPATCH_H
#define CHAT_SERVER_DISPATCH_H

struct client;

/* Handles up to SERVER_FRAMES_PER_PASS buffered frames of c, in order, each charged to
 * c's rate budgets; a throttled client's frames wait for its release. If frames remain,
 * c joins the server's backlog for the next pass; if the peer has finished sending and
 * nothing remains, the session is finished. Never frees c. */
void dispatch_input(struct client *c);

#endif
