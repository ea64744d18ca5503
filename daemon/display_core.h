/*
 * display_core: what the customer sees, decided from MSG_SHOW events and
 * time alone. No I/O, no threads: the shell (display.c) passes now (ns of
 * CLOCK_MONOTONIC), writes the screen when the version moves and arms one
 * timer at the deadline.
 *
 * Screens, on a 2-row display (row0 / row1):
 *   idle		insert / no_change (not_cold on a cooling fault; with
 *			idle_cycle_s each product's price in turn, then that
 *			notice, every idle_cycle_s; keypad_fault when unplugged)
 *   credit		credit / choose (keypad_fault when unplugged)
 *   selected		price / more while credit < price, else credit
 *   entry		code / credit, or insert with no credit
 *   vending		label / vending, until take or refund
 *   messages		message_s, then the base screen (credit or idle):
 *			choose / credit, price / more, label / sold_out,
 *			label / out_of_order, unknown / credit or insert,
 *			take / credit or "", refund / credit
 * Not selling: row0 of every screen reads fault; the base screen's row1
 * then shows the credit when there is some.
 * 1 row: row0 only. 3 rows: row2 holds keypad_fault when the keypad is
 * unplugged, else the notice (no_change or not_cold). 4 rows: row2
 * keypad_fault or empty, row3 the notice; rows 0-1 then leave the notices
 * out (the idle row1 cycles prices only, or stays empty).
 * Service mode (the door open, or vendctl service on): row0 service, the
 * other rows the faults first (not selling, not cold, keypad, columns out
 * of order or empty), then the counters (sold and test vends since the
 * audit's reset, cash in the box), a row at a time every message_s; a test
 * vend's messages come and go over it.
 * Backlight: on at every event; off after backlight_s on the idle screen
 * with no credit (0: always on). While it is off the price cycle pauses, so
 * a dark idle machine has no deadline at all.
 */
#ifndef DISPLAY_CORE_H
#define DISPLAY_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "display.h"
#include "msg.h"

enum display_mode {
	DISPLAY_MODE_BASE = 1,		/* idle, or credit */
	DISPLAY_MODE_SELECTED,		/* until the next event */
	DISPLAY_MODE_ENTRY,		/* a code being typed */
	DISPLAY_MODE_MESSAGE,		/* message_s, then base */
	DISPLAY_MODE_VENDING,		/* until take or refund */
};

struct display_core {
	const struct config	*cf;
	struct display_screen	 screen;
	uint32_t		 version;	/* moves when the screen changes */
	int			 mode;		/* enum display_mode */
	struct msg_show		 ev;		/* what the non-base mode shows */
	int64_t			 credit;	/* from sales' events only */
	int			 selling, cold, keypad;	/* 1: fine */
	int			 sel;		/* sales' selection, -1: none */
	uint64_t		 message_until;	/* MESSAGE ends; 0: none */
	uint64_t		 idle_since;	/* last event or return to base */
	int			 cycle_step;	/* idle row1: product, or notice */
	uint64_t		 cycle_at;	/* next step of the price cycle */
	int			 service;	/* service mode: its screen */
	uint32_t		 svc_faulty, svc_empty;	/* columns, from sales */
	uint32_t		 svc_sold, svc_tests;	/* since reset, the ledger's */
	int64_t			 svc_cash;	/* in the box, the ledger's */
	int			 svc_step;	/* the service rows' first shown */
	uint64_t		 svc_at;	/* its next step */
	int64_t			 price[VENDD_MAX_PRODUCTS];	/* -1: the INI's */
	int			 change;	/* SHOW_CHANGE's on: 0 none */
};

void	display_core_init(struct display_core *, const struct config *,
	    uint64_t now);
/* 1 when m is a well-formed event for this config, 0 (a sender's bug). */
int	display_core_valid(const struct display_core *, const struct msg_show *);
void	display_core_show(struct display_core *, const struct msg_show *,
	    uint64_t now);
void	display_core_tick(struct display_core *, uint64_t now);
/* When tick must run next; 0: nothing is due. */
uint64_t display_core_deadline(const struct display_core *);
const struct display_screen *display_core_screen(const struct display_core *);
/* Moves on every change of the screen: the shell writes when it differs. */
uint32_t display_core_version(const struct display_core *);

/* Pure text helpers, shared with the tests. */
/* Substitute %s in order by a and b, %% by %; nothing else is a directive. */
void	display_text_fill(char *out, size_t len, const char *text,
	    const char *a, const char *b);
/* Cut s in place at cols UTF-8 characters, never inside a sequence. */
void	display_text_cut(char *s, int cols);

#endif
