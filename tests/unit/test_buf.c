/* test_buf.c — the growable buffer of src/core/buf.h: appends, formatted
 * appends across many growths, sticky failure when an allocation fails, and
 * handing the text over. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"

Test(buf, appends_grow_and_stay_terminated)
{
    pb__buf b = {0};
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(pb__buf_printf(&b, "%d,", i), PB_OK);
    cr_expect_eq(strlen(b.s), b.len, "NUL-terminated at len");
    cr_expect(strncmp(b.s, "0,1,2,", 6) == 0);
    cr_expect(strcmp(b.s + b.len - 4, "999,") == 0);
    cr_assert_eq(pb__buf_append(&b, "xy", 1), PB_OK);
    cr_expect_eq(b.s[b.len - 1], 'x');
    size_t len = 0;
    char *s = pb__buf_take(&b, &len);
    cr_expect_eq(len, strlen(s));
    cr_expect_null(b.s, "the buffer no longer owns the text");
    pb__free(s);
}

Test(buf, empty_buffer_takes_an_empty_string)
{
    pb__buf b = {0};
    char *s = pb__buf_take(&b, NULL);
    cr_assert_not_null(s);
    cr_expect_str_eq(s, "");
    pb__free(s);
}

Test(buf, a_failed_allocation_is_sticky)
{
    pb__buf b = {0};
    cr_assert_eq(pb__buf_puts(&b, "kept"), PB_OK);
    pb__alloc_fail_only(1);
    char big[1024];
    memset(big, 'a', sizeof big);
    cr_expect_eq(pb__buf_append(&b, big, sizeof big), PB_ERR_NOMEM);
    pb__alloc_fail_only(0);
    cr_expect_eq(pb__buf_puts(&b, "later"), PB_ERR_NOMEM, "later appends fail too");
    cr_expect_eq(pb__buf_status(&b), PB_ERR_NOMEM);
    cr_expect_null(pb__buf_take(&b, NULL), "a failed buffer hands over nothing");
    cr_expect_null(b.s, "and is released");
}

Test(buf, list_push_zeroes_new_items)
{
    struct {
        int *items;
        size_t count, cap;
    } list = {0};
    for (int i = 0; i < 100; i++) {
        int *slot = PB__PUSH(list);
        cr_assert_not_null(slot);
        cr_expect_eq(*slot, 0);
        *slot = i;
    }
    cr_expect_eq(list.count, 100);
    cr_expect_eq(list.items[99], 99);
    pb__free(list.items);
}
