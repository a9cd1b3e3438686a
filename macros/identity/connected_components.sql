{#- Connected components by randomized contraction (Bögeholz, Brand, Todor: "In-database
    connected component analysis", ICDE 2020).

    The model's SQL returns edges as two string columns, `node_a` and `node_b`; a row whose
    `node_b` is null (or equal to `node_a`) declares a node without edges. The table built has
    one row per node: `node_id`, `component_node_id` (the smallest node_id of its component, so
    the result does not depend on the random draws), `component_size`, `contraction_rounds`,
    and the fingerprint of the node's edges (`node_edge_count`, `node_edge_checksum`).

    Each round relabels the current nodes with a fresh bijection h(v) = (a*v + b) mod p,
    p = 2^31 - 1 prime, points every node at the smallest label in its closed neighbourhood,
    contracts every edge to those labels and drops self-loops and duplicates, until no edge
    is left. Expected O(log n) rounds on any graph, chains and hubs included. The per-round
    maps are then composed backwards from the last round, so (final round, label) names each
    node's component (`connected_components_solve`).

    Incremental (where `connected_components_updates_in_place`, DuckDB, unless the build is a
    full refresh or the table predates the fingerprints): a component every node of which
    kept its fingerprint kept its edges, so it is still connected and still a component, or
    part of a larger one. Only the nodes of the other components and the new nodes are
    solved again, each kept component standing in as one node (its `component_node_id`); the
    rows of the nodes whose component changed are replaced, those of removed nodes deleted
    (docs/identity.md, "Incremental components").

    Scratch tables are named after the model (`<model>__cc_*`), temporary tables on DuckDB
    (`connected_components_scratch`), and dropped at the end. The loop runs only under
    `dbt run` / `dbt build` (the materialization is not invoked otherwise). The draws come
    from a Park-Miller generator seeded by `components_seed`, so a build is reproducible. -#}
{% materialization connected_components, default %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}

    {{ run_hooks(pre_hooks) }}

    {%- if flags.WHICH not in ('run', 'build') -%}
        {{ exceptions.raise_compiler_error(
            "connected_components runs only under dbt run / dbt build, not " ~ flags.WHICH
        ) }}
    {%- endif -%}

    {%- set scratch_temporary = datong.connected_components_scratch_is_temporary() -%}
    {%- set input_rel = datong.connected_components_scratch(this, 'input') -%}
    {%- do adapter.drop_relation(input_rel) -%}
    {%- do run_query(create_table_as(scratch_temporary, input_rel, sql)) -%}

    {%- set in_place = existing_relation is not none
        and not should_full_refresh()
        and datong.connected_components_updates_in_place()
        and datong.connected_components_has_fingerprints(existing_relation) -%}
    {%- set columns = 'node_id, component_node_id, component_size, contraction_rounds, '
        ~ 'node_edge_count, node_edge_checksum' -%}

    {%- if in_place -%}
        {%- set changed = datong.connected_components_changed(
            existing_relation, input_rel, scratch_temporary) -%}
        {%- set solved = datong.connected_components_solve(
            changed.graph, scratch_temporary, fingerprints=false) -%}
        {%- set rewritten_rel = datong.connected_components_scratch(this, 'rewritten') -%}
        {%- do adapter.drop_relation(rewritten_rel) -%}
        {%- do run_query(create_table_as(
            scratch_temporary, rewritten_rel,
            datong.connected_components_rewritten_sql(
                existing_relation, changed, solved.labelled_sql, solved.rounds)
        )) -%}
        {%- set counts = run_query(
            "select (select count(*) from " ~ rewritten_rel ~ ") as rewritten, "
            ~ "(select count(*) from " ~ changed.removed ~ " as removed_nodes) as removed, "
            ~ "(select count(*) from " ~ changed.fingerprints ~ ") as nodes"
        ).rows[0] -%}
        {{ log(this.identifier ~ ": " ~ counts[0] ~ " of " ~ counts[2]
            ~ " nodes solved again in " ~ solved.rounds ~ " contraction rounds, "
            ~ counts[1] ~ " removed", info=True) }}
        {%- do run_query(
            "delete from " ~ target_relation ~ " where node_id in (select node_id from "
            ~ rewritten_rel ~ ") or node_id in " ~ changed.removed
        ) -%}
        {%- call statement('main') -%}
            insert into {{ target_relation }} ({{ columns }})
            select {{ columns }} from {{ rewritten_rel }}
        {%- endcall -%}
        {%- set leftovers = solved.leftovers + changed.leftovers + [rewritten_rel] -%}
    {%- else -%}
        {%- set solved = datong.connected_components_solve(
            input_rel, scratch_temporary, fingerprints=true) -%}
        {{ log(this.identifier ~ ": connected components converged in " ~ solved.rounds
            ~ " contraction rounds", info=True) }}
        {%- set final_sql -%}
            with labelled as (
                {{ solved.labelled_sql }}
            ),

            components as (
                select
                    final_round,
                    final_label,
                    min(node_id) as component_node_id,
                    count(*) as component_size
                from labelled
                group by final_round, final_label
            )

            select
                labelled.node_id,
                components.component_node_id,
                components.component_size,
                {{ solved.rounds }} as contraction_rounds,
                labelled.node_edge_count,
                labelled.node_edge_checksum
            from labelled
            inner join components
                on labelled.final_round = components.final_round
                and labelled.final_label = components.final_label
        {%- endset -%}
        {%- if existing_relation is not none -%}
            {%- do adapter.drop_relation(existing_relation) -%}
        {%- endif -%}
        {%- call statement('main') -%}
            {{ create_table_as(False, target_relation, final_sql) }}
        {%- endcall -%}
        {%- set leftovers = solved.leftovers -%}
    {%- endif -%}

    {%- for rel in leftovers + [input_rel] -%}
        {%- do adapter.drop_relation(rel) -%}
    {%- endfor -%}

    {{ run_hooks(post_hooks) }}
    {%- do adapter.commit() -%}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
