/*
 * svg_tree.h: a target tree as an SVG diagram (`mtl targets --svg`): one
 * box per node, laid out left to right by depth, with the node's name,
 * target and actual, an attainment bar (a tick at 100%) and, when the
 * node has quarters, four small bars of quarterly attainment.
 */
#ifndef MTL_CLI_SVG_TREE_H
#define MTL_CLI_SVG_TREE_H

#include <stddef.h>

/* One box.  Nodes come in pre-order (a parent before its children, the
 * children of one parent consecutive in their subtree order). */
typedef struct svg_tree_node {
    const char *name;
    int depth;              /* 0 for the root */
    long parent;            /* index in the array, -1 for the root */
    const char *target;     /* formatted target (major units) */
    const char *actual;     /* formatted actual, or NULL when not evaluated */
    const char *target_compact; /* the same as "1.52B", for narrow boxes */
    const char *actual_compact; /* NULL when not evaluated */
    double attainment;      /* actual / target, NaN when unknown */
    double p_hit;           /* P(reaching the target), NaN when unknown */
    int has_quarters;
    double quarter_attainment[4]; /* NaN when unknown */
} svg_tree_node;

/* Write the diagram to path.  CLI_EXIT_OK, or CLI_EXIT_ERROR after
 * printing the error. */
int svg_tree(const char *path, const char *title, const svg_tree_node *nodes,
             size_t count);

#endif /* MTL_CLI_SVG_TREE_H */
