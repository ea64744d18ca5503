/*
 * panel: owns the selection buttons and the vend button. The pure core turns
 * edges into presses: a press is the first active edge after the button has
 * been released (inactive) for hold_off_ms, so a held or chattering button
 * yields exactly one press.
 */
#ifndef PANEL_H
#define PANEL_H

#include <stdint.h>

#include "config.h"
#include "msg.h"

struct proc;
struct gpio_line;

/* Button indexes: 0..nproducts-1 are selections, PANEL_VEND is vend;
 * PANEL_DOOR is the door switch, a level rather than a button. */
#define PANEL_VEND	VENDD_MAX_PRODUCTS
#define PANEL_DOOR	(VENDD_MAX_PRODUCTS + 1)
#define PANEL_RETURN	(VENDD_MAX_PRODUCTS + 2)	/* coin return */
#define PANEL_BUTTONS	(VENDD_MAX_PRODUCTS + 3)

struct panel_core {
	const struct config *cf;
	int		door;		/* last told: 1 open, 0 closed, -1 not yet */
	struct {
		int		pressed;	/* a press was sent, not released */
		uint64_t	release_at;	/* inactive since; 0 = active */
	} b[PANEL_BUTTONS];
};

void	 panel_core_init(struct panel_core *, const struct config *);
void	 panel_core_edge(struct panel_core *, int button, int active,
	    uint64_t ts_ns, struct outbox *);
/* The door switch's level (at start, then at each edge): sales hears of
 * each change, once. */
void	 panel_core_door(struct panel_core *, int open, struct outbox *);
/* Kept so every core is driven alike: tick does nothing, deadline is 0. */
void	 panel_core_tick(struct panel_core *, uint64_t now_ns, struct outbox *);
uint64_t panel_core_deadline(const struct panel_core *);

/* lines[i] is product i's select line; vend is the vend button; door the
 * door switch, or NULL. */
void	 panel_init(struct proc *, const struct config *,
	    struct gpio_line **select_lines, struct gpio_line *vend,
	    struct gpio_line *door, struct gpio_line *ret);

#endif
