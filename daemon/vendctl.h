/*
 * vendctl: what its two files share. vendctl.c holds the transport to
 * vendd's control socket, the JSON helpers, status, restock and fill;
 * vendctl_ops.c the rest of the operator's day (price, collect, service,
 * test-vend, audit, events).
 */
#ifndef VENDCTL_H
#define VENDCTL_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define VENDCTL_TIMEOUT_S	5	/* per read; a reply is quick */

extern const char	*vc_socket;

void		 vc_usage(void) __attribute__((noreturn));
void		 vc_die(const char *, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));
const char	*vc_word(const char *);
void		 vc_line(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		 vc_connect(int);
void		 vc_send(int, const char *);
struct json_object *vc_call(const char *, int);
void		 vc_malformed(const char *, struct json_object *)
		    __attribute__((noreturn));
struct json_object *vc_get(struct json_object *, const char *);
int64_t		 vc_int(struct json_object *, const char *);
int		 vc_bool(struct json_object *, const char *);
const char	*vc_str(struct json_object *, const char *, const char *);
void		 vc_money(int64_t, int, char *, size_t);
void		 vc_amount(struct json_object *, int64_t, char *, size_t);
int		 vc_is_money(const char *);
void		 vc_print_json(struct json_object *);
void		 vc_flush(const char *);

/* vendctl_ops.c: argv[0] is the command's name. */
int		 vc_cmd_price(int, char **);
int		 vc_cmd_collect(int, char **);
int		 vc_cmd_service(int, char **);
int		 vc_cmd_test_vend(int, char **);
int		 vc_cmd_audit(int, char **);
int		 vc_cmd_events(int, char **);

#endif
