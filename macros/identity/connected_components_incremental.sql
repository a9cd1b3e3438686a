{#- Whether the `connected_components` materialization may update its table in place (delete
    and insert rows) instead of writing it anew: DuckDB. On Spark the table is Parquet, without
    row deletes, and is written anew each build. -#}
{% macro connected_components_updates_in_place() -%}
    {{ return(adapter.dispatch('connected_components_updates_in_place', 'datong')()) }}
{%- endmacro %}

{% macro default__connected_components_updates_in_place() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__connected_components_updates_in_place() -%}
    {{ return(true) }}
{%- endmacro %}

{#- Whether a table built by `connected_components` holds the nodes' fingerprints; a table
    built before they existed is written anew once. -#}
{% macro connected_components_has_fingerprints(relation) -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name')
        | map('lower') | list -%}
    {{ return('node_edge_count' in names and 'node_edge_checksum' in names) }}
{%- endmacro %}

{#- The part of the graph `input_rel` that a build solves again when the components in
    `existing_relation` are updated in place. Creates the scratch tables and returns them:

    - `fingerprints`: every current node with its fingerprint;
    - `removed`: the nodes of the table that are no longer in the graph;
    - `dirty`: the current nodes to solve again: the new ones, and every node of a previous
      component one of whose nodes is new, removed or changed its fingerprint;
    - `graph`: the edges whose smaller end is dirty, the larger end replaced by its previous
      `component_node_id` when it is not dirty, and every dirty node declared.

    An edge whose smaller end kept its fingerprint was there before, so both its ends were
    in one previous component; when that component is kept, the edge adds nothing. Hence
    every edge that can join or split components has a dirty smaller end, and a kept
    component reached by one stands in as a single node. -#}
{% macro connected_components_changed(existing_relation, input_rel, scratch_temporary) %}
    {%- set rels = {} -%}
    {%- for name in ['fingerprints', 'changed', 'dirty', 'graph'] -%}
        {%- do rels.update({name: datong.connected_components_scratch(this, name)}) -%}
        {%- do adapter.drop_relation(rels[name]) -%}
    {%- endfor -%}
    {%- do run_query(create_table_as(
        scratch_temporary, rels.fingerprints,
        datong.connected_components_fingerprints_sql(input_rel))) -%}

    {%- set changed_sql -%}
        select
            coalesce(current_nodes.node_id, previous.node_id) as node_id,
            previous.component_node_id as previous_component_node_id,
            current_nodes.node_id is null as is_removed
        from {{ rels.fingerprints }} as current_nodes
        full outer join {{ existing_relation }} as previous
            on current_nodes.node_id = previous.node_id
        where
            previous.node_id is null
            or current_nodes.node_id is null
            or current_nodes.node_edge_count <> previous.node_edge_count
            or current_nodes.node_edge_checksum <> previous.node_edge_checksum
    {%- endset -%}
    {%- do run_query(create_table_as(scratch_temporary, rels.changed, changed_sql)) -%}

    {%- set dirty_sql -%}
        with changed_components as (
            select distinct previous_component_node_id as component_node_id
            from {{ rels.changed }}
            where previous_component_node_id is not null
        ),

        removed as (
            select node_id from {{ rels.changed }}
            where is_removed
        )

        select changed.node_id
        from {{ rels.changed }} as changed
        where changed.previous_component_node_id is null
        union all
        select previous.node_id
        from {{ existing_relation }} as previous
        inner join changed_components
            on previous.component_node_id = changed_components.component_node_id
        left join removed
            on previous.node_id = removed.node_id
        where removed.node_id is null
    {%- endset -%}
    {%- do run_query(create_table_as(scratch_temporary, rels.dirty, dirty_sql)) -%}

    {%- set graph_sql -%}
        with edges as (
            select
                least(node_a, node_b) as node_low,
                greatest(node_a, node_b) as node_high
            from {{ input_rel }}
            where node_a <> node_b
        )

        select
            edges.node_low as node_a,
            coalesce(high_dirty.node_id, high_previous.component_node_id) as node_b
        from edges
        inner join {{ rels.dirty }} as low_dirty
            on edges.node_low = low_dirty.node_id
        left join {{ rels.dirty }} as high_dirty
            on edges.node_high = high_dirty.node_id
        left join {{ existing_relation }} as high_previous
            on edges.node_high = high_previous.node_id
        union all
        select
            node_id as node_a,
            cast(null as {{ dbt.type_string() }}) as node_b
        from {{ rels.dirty }}
    {%- endset -%}
    {%- do run_query(create_table_as(scratch_temporary, rels.graph, graph_sql)) -%}

    {%- set removed_sql = "(select node_id from " ~ rels.changed ~ " where is_removed)" -%}
    {{ return({
        'fingerprints': rels.fingerprints,
        'dirty': rels.dirty,
        'graph': rels.graph,
        'removed': removed_sql,
        'leftovers': [rels.fingerprints, rels.changed, rels.dirty, rels.graph]
    }) }}
{% endmacro %}

{#- The rows that replace those of the changed components: every dirty node, and every node
    of a kept component that a dirty node reached, with the component the small graph's
    solve (`labelled_sql`) put it in. A kept component stood in as its `component_node_id`,
    the smallest node of it, and counts its previous `component_size`; so the smallest
    node_id of a solved component and the sum of its members' sizes are those of the whole
    graph's component. -#}
{% macro connected_components_rewritten_sql(existing_relation, changed, labelled_sql, rounds) %}
    with labelled as (
        {{ labelled_sql }}
    ),

    weighted as (
        select
            labelled.node_id,
            labelled.final_round,
            labelled.final_label,
            dirty.node_id is null as is_kept_component,
            case when dirty.node_id is null then kept.component_size else 1 end as node_weight
        from labelled
        left join {{ changed.dirty }} as dirty
            on labelled.node_id = dirty.node_id
        left join {{ existing_relation }} as kept
            on labelled.node_id = kept.node_id
    ),

    components as (
        select
            final_round,
            final_label,
            min(node_id) as component_node_id,
            sum(node_weight) as component_size
        from weighted
        group by final_round, final_label
    ),

    placed as (
        select
            weighted.node_id,
            weighted.is_kept_component,
            components.component_node_id,
            components.component_size
        from weighted
        inner join components
            on weighted.final_round = components.final_round
            and weighted.final_label = components.final_label
    ),

    dirty_rows as (
        select
            placed.node_id,
            placed.component_node_id,
            placed.component_size,
            fingerprints.node_edge_count,
            fingerprints.node_edge_checksum
        from placed
        inner join {{ changed.fingerprints }} as fingerprints
            on placed.node_id = fingerprints.node_id
        where not placed.is_kept_component
    ),

    kept_rows as (
        select
            kept.node_id,
            placed.component_node_id,
            placed.component_size,
            kept.node_edge_count,
            kept.node_edge_checksum
        from placed
        inner join {{ existing_relation }} as kept
            on placed.node_id = kept.component_node_id
        where placed.is_kept_component
    ),

    rewritten as (
        select * from dirty_rows
        union all
        select * from kept_rows
    )

    select
        node_id,
        component_node_id,
        cast(component_size as bigint) as component_size,
        {{ rounds }} as contraction_rounds,
        node_edge_count,
        node_edge_checksum
    from rewritten
{% endmacro %}
