/* Intrusive doubly linked lists: a node lives inside the object, so joining or leaving a
 * list (pending writes, timers, downloads) never allocates and removal is O(1). */
#ifndef CHAT_SERVER_LIST_H
#define CHAT_SERVER_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *prev;
    struct list_node *next;
};

/* Makes n an empty list head, or an unlinked node. */
static inline void list_init(struct list_node *n)
{
    n->prev = n->next = n;
}

/* True for an empty head or an unlinked node (nodes are re-initialised on removal). */
static inline bool list_empty(const struct list_node *n)
{
    return n->next == n;
}

/* Appends n (unlinked) at the tail of head. */
static inline void list_append(struct list_node *head, struct list_node *n)
{
    n->prev = head->prev;
    n->next = head;
    head->prev->next = n;
    head->prev = n;
}

/* Unlinks n if linked; safe to call on an unlinked node. */
static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    list_init(n);
}

/* Appends n unless it is already on a list. */
static inline void list_append_once(struct list_node *head, struct list_node *n)
{
    if (list_empty(n))
        list_append(head, n);
}

/* Moves every node of src (in order) to the tail of dst; src ends up empty. */
static inline void list_move_all(struct list_node *dst, struct list_node *src)
{
    if (list_empty(src))
        return;
    src->next->prev = dst->prev;
    dst->prev->next = src->next;
    src->prev->next = dst;
    dst->prev = src->prev;
    list_init(src);
}

#define list_entry(node, type, member) ((type *)((char *)(node) - offsetof(type, member)))

#endif
