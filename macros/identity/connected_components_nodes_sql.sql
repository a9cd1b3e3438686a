{#- The nodes of an edge list (`node_a`, `node_b`) numbered 1..n as bigints, the integer ids
    that the contraction rounds relabel. -#}
{% macro connected_components_nodes_sql(edges_relation) -%}
    with endpoints as (
        select node_a as node_id from {{ edges_relation }}
        where node_a is not null
        union
        select node_b as node_id from {{ edges_relation }}
        where node_b is not null
    )

    select
        node_id,
        cast(row_number() over (order by node_id) as bigint) as node_number
    from endpoints
{%- endmacro %}
