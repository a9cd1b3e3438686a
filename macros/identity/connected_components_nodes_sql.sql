{#- The nodes of an edge list (`node_a`, `node_b`) numbered 1..n as bigints, the integer ids
    that the contraction rounds relabel. With `fingerprints`, each node also carries its
    fingerprint (`connected_components_fingerprints_sql`). -#}
{% macro connected_components_nodes_sql(edges_relation, fingerprints=false) -%}
    with endpoints as (
        {%- if fingerprints %}
        {{ datong.connected_components_fingerprints_sql(edges_relation) }}
        {%- else %}
        select node_a as node_id from {{ edges_relation }}
        where node_a is not null
        union
        select node_b as node_id from {{ edges_relation }}
        where node_b is not null
        {%- endif %}
    )

    select
        *,
        cast(row_number() over (order by node_id) as bigint) as node_number
    from endpoints
{%- endmacro %}

{#- One row per node of an edge list (`node_a`, `node_b`; a null or equal `node_b` declares a
    node without edges) with the fingerprint of the edges whose smaller end it is: how many
    (`node_edge_count`, duplicates counted) and the sum of a 40-bit hash of each
    (`node_edge_checksum`). Every edge is counted at exactly one node, so a component whose
    nodes all keep their fingerprint from one build to the next has kept its edges. A node's
    sum stays far inside a bigint up to 2^23 edges per node. -#}
{% macro connected_components_fingerprints_sql(edges_relation) -%}
    {%- set low = 'least(node_a, node_b)' -%}
    {%- set high = 'greatest(node_a, node_b)' -%}
    with endpoints as (
        select
            {{ low }} as node_id,
            cast({{ datong.row_hash([low, high]) }} % 1099511627776 as bigint) as edge_hash
        from {{ edges_relation }}
        where node_a <> node_b
        union all
        select
            {{ high }} as node_id,
            cast(null as bigint) as edge_hash
        from {{ edges_relation }}
        where node_a <> node_b
        union all
        select
            coalesce(node_a, node_b) as node_id,
            cast(null as bigint) as edge_hash
        from {{ edges_relation }}
        where (node_a is null or node_b is null or node_a = node_b)
    )

    select
        node_id,
        count(edge_hash) as node_edge_count,
        cast(coalesce(sum(edge_hash), 0) as bigint) as node_edge_checksum
    from endpoints
    where node_id is not null
    group by node_id
{%- endmacro %}
