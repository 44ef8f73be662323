/* ref: thin wrappers of libfdt under names that do not clash (ref.h). */
#include "ref.h"

#include <libfdt.h>

int ref_check_full(const void *fdt, size_t size)
{
	return fdt_check_full(fdt, size);
}

int ref_next_node(const void *fdt, int node, int *depth)
{
	return fdt_next_node(fdt, node, depth);
}

int ref_first_subnode(const void *fdt, int node)
{
	return fdt_first_subnode(fdt, node);
}

int ref_next_subnode(const void *fdt, int node)
{
	return fdt_next_subnode(fdt, node);
}

int ref_subnode(const void *fdt, int parent, const char *name)
{
	return fdt_subnode_offset(fdt, parent, name);
}

int ref_path(const void *fdt, const char *path)
{
	return fdt_path_offset(fdt, path);
}

int ref_get_path(const void *fdt, int node, char *buf, int len)
{
	return fdt_get_path(fdt, node, buf, len);
}

const char *ref_name(const void *fdt, int node)
{
	return fdt_get_name(fdt, node, NULL);
}

int ref_first_prop(const void *fdt, int node)
{
	return fdt_first_property_offset(fdt, node);
}

int ref_next_prop(const void *fdt, int prop)
{
	return fdt_next_property_offset(fdt, prop);
}

const void *ref_prop_at(const void *fdt, int prop, const char **name, int *len)
{
	return fdt_getprop_by_offset(fdt, prop, name, len);
}

const void *ref_prop(const void *fdt, int node, const char *name, int *len)
{
	return fdt_getprop(fdt, node, name, len);
}

int ref_address_cells(const void *fdt, int node)
{
	return fdt_address_cells(fdt, node);
}

int ref_size_cells(const void *fdt, int node)
{
	return fdt_size_cells(fdt, node);
}

int ref_compatible(const void *fdt, int node, const char *compat)
{
	int r = fdt_node_check_compatible(fdt, node, compat);

	return r < 0 ? r : r == 0;
}

int ref_nop_prop(void *fdt, int node, const char *name)
{
	return fdt_nop_property(fdt, node, name);
}

int ref_nop_node(void *fdt, int node)
{
	return fdt_nop_node(fdt, node);
}

int ref_num_mem_rsv(const void *fdt)
{
	return fdt_num_mem_rsv(fdt);
}
