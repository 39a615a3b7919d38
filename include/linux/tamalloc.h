/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_TAMALLOC_H
#define _LINUX_TAMALLOC_H

#include <uapi/linux/tamalloc.h>

#endif /* _LINUX_TAMALLOC_H */
