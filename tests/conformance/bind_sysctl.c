/* The bind-related knobs as text, the way /proc/sys takes them: defaults
 * of a fresh namespace, values accepted (and how they read back), values
 * refused with EINVAL (and that nothing changed), the rules that tie
 * ip_local_port_range and ip_unprivileged_port_start together, unknown
 * names (ENOENT) and directories (EISDIR). */
#include "confx.h"

static void show(const char *name)
{
    char buf[256], out[300];
    if (conf_sysctl_get(name, buf, sizeof buf) < 0) {
        conf_printf("  %s: %s\n", name, conf_errname(errno));
        return;
    }
    size_t o = 0;
    for (char *p = buf; *p && o + 3 < sizeof out; p++) {
        if (*p == '\t') {
            out[o++] = '\\';
            out[o++] = 't';
        } else
            out[o++] = *p;
    }
    out[o] = 0;
    conf_printf("  %s reads \"%s\"\n", name, out);
}

static void set_show(const char *name, const char *value)
{
    SYSCTL(name, value);
    show(name);
}

int main(void)
{
    static const char *knobs[] = {
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_nonlocal_bind",
        "net.ipv4.ip_autobind_reuse",
        "net.ipv4.ip_default_ttl",
        "net.ipv6.bindv6only",
        "net.ipv6.ip_nonlocal_bind",
        "net.core.somaxconn",
    };
    conf_printf("defaults:\n");
    for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++)
        show(knobs[i]);

    const char *r = "net.ipv4.ip_local_port_range";
    set_show(r, "40000 40009");
    set_show(r, "40000 40000");
    set_show(r, "40001 40000");
    set_show(r, "1023 2000");
    set_show(r, "1024 65535");
    set_show(r, "1024 65536");
    set_show(r, "50000");
    set_show(r, "  50000\t 50010 \n");
    set_show(r, "50000,50010");
    set_show(r, "0x9c40 0x9c49");
    set_show(r, "050000 60000");
    set_show(r, "40000 40009 5");
    set_show(r, "-1 40000");
    set_show(r, "40000 40009x");
    set_show(r, "\n");
    set_show(r, "");
    set_show("net/ipv4/ip_local_port_range", "32768 60999");

    const char *u = "net.ipv4.ip_unprivileged_port_start";
    set_show(u, "32768");
    set_show(u, "32769");
    set_show(u, "0");
    set_show(u, "-0");
    set_show(u, "65536");
    set_show(u, "500 600");
    set_show(u, "7x");
    set_show(r, "600 700");
    set_show(r, "499 700");
    set_show(u, "601");
    set_show(u, "600");
    set_show(r, "32768 60999");
    set_show(u, "1024");

    const char *n = "net.ipv4.ip_nonlocal_bind";
    set_show(n, "2");
    set_show(n, "255");
    set_show(n, "256");
    set_show(n, "-0");
    set_show(n, "1 2");
    set_show(n, "0");
    const char *a = "net.ipv4.ip_autobind_reuse";
    set_show(a, "1");
    set_show(a, "2");
    set_show(a, "0");
    const char *t = "net.ipv4.ip_default_ttl";
    set_show(t, "0");
    set_show(t, "255");
    set_show(t, "256");
    set_show(t, "64");
    const char *v = "net.ipv6.bindv6only";
    set_show(v, "1");
    set_show(v, "256");
    set_show(v, "0");
    const char *m = "net.core.somaxconn";
    set_show(m, "-1");
    set_show(m, "2147483647");
    set_show(m, "2147483648");
    set_show(m, "4096");

    const char *p = "net.ipv4.ip_local_reserved_ports";
    set_show(p, "5,3,1");
    set_show(p, "1-3,2-5,8080");
    set_show(p, "10-5");
    set_show(p, "1, 2");
    set_show(p, "0-65535");
    set_show(p, "65536");
    set_show(p, "63-64,127,128,191-193\n");
    set_show(p, "\n");

    SYSCTL("net.ipv4.no_such_knob", "1");
    show("net.ipv4.no_such_knob");
    SYSCTL("net.ipv4", "1");
    SYSCTL("net.ipv4.ip_local_port_range.", "40000 40009");
    return 0;
}
