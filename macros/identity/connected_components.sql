{#- Connected components by randomized contraction (Bögeholz, Brand, Todor: "In-database
    connected component analysis", ICDE 2020).

    The model's SQL returns edges as two string columns, `node_a` and `node_b`; a row whose
    `node_b` is null (or equal to `node_a`) declares a node without edges. The table built has
    one row per node: `node_id`, `component_node_id` (the smallest node_id of its component, so
    the result does not depend on the random draws), `component_size` and
    `contraction_rounds`.

    Each round relabels the current nodes with a fresh bijection h(v) = (a*v + b) mod p,
    p = 2^31 - 1 prime, points every node at the smallest label in its closed neighbourhood,
    contracts every edge to those labels and drops self-loops and duplicates, until no edge
    is left. Expected O(log n) rounds on any graph, chains and hubs included. The per-round
    maps are then composed backwards from the last round, so (final round, label) names each
    node's component.

    Scratch tables are named after the model (`<model>__cc_*`), temporary tables on DuckDB
    (`connected_components_scratch`), and dropped at the end. The loop runs only under
    `dbt run` / `dbt build` (the materialization is not invoked otherwise). The draws come
    from a Park-Miller generator seeded by `components_seed`, so a build is reproducible. -#}
{% materialization connected_components, default %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set modulus = 2147483647 -%}
    {%- set max_rounds = config.get('max_rounds', 64) | int -%}
    {%- set rng = namespace(state=(config.get('components_seed', 20240601) | int) % modulus) -%}
    {%- if rng.state == 0 -%}{%- set rng.state = 1 -%}{%- endif -%}

    {{ run_hooks(pre_hooks) }}

    {%- if flags.WHICH not in ('run', 'build') -%}
        {{ exceptions.raise_compiler_error(
            "connected_components runs only under dbt run / dbt build, not " ~ flags.WHICH
        ) }}
    {%- endif -%}

    {%- set scratch_temporary = datong.connected_components_scratch_is_temporary() -%}
    {%- set input_rel = datong.connected_components_scratch(this, 'input') -%}
    {%- set nodes_rel = datong.connected_components_scratch(this, 'nodes') -%}
    {%- for name in ['input', 'nodes'] -%}
        {%- do adapter.drop_relation(datong.connected_components_scratch(this, name)) -%}
    {%- endfor -%}

    {%- do run_query(create_table_as(scratch_temporary, input_rel, sql)) -%}
    {%- do run_query(create_table_as(
        scratch_temporary, nodes_rel, datong.connected_components_nodes_sql(input_rel))) -%}

    {%- set state = namespace(
        edges=datong.connected_components_scratch(this, 'edges_0'),
        rounds=0,
        done=false
    ) -%}
    {%- do adapter.drop_relation(state.edges) -%}
    {%- set initial_edges_sql -%}
        select distinct
            least(endpoint_a.node_number, endpoint_b.node_number) as src,
            greatest(endpoint_a.node_number, endpoint_b.node_number) as dst
        from {{ input_rel }} as input_edges
        inner join {{ nodes_rel }} as endpoint_a
            on input_edges.node_a = endpoint_a.node_id
        inner join {{ nodes_rel }} as endpoint_b
            on input_edges.node_b = endpoint_b.node_id
        where endpoint_a.node_number <> endpoint_b.node_number
    {%- endset -%}
    {%- do run_query(create_table_as(scratch_temporary, state.edges, initial_edges_sql)) -%}

    {%- for round_number in range(1, max_rounds + 1) -%}
        {%- if not state.done -%}
            {%- set edge_count = run_query(
                "select count(*) as edge_count from " ~ state.edges
            ).columns[0].values()[0] | int -%}
            {{ log(this.identifier ~ ": round " ~ round_number ~ " starts with " ~ edge_count
                ~ " edges", info=False) }}
            {%- if edge_count == 0 -%}
                {%- set state.done = true -%}
            {%- else -%}
                {%- set rng.state = (rng.state * 48271) % modulus -%}
                {%- set multiplier = 1 + rng.state % (modulus - 1) -%}
                {%- set rng.state = (rng.state * 48271) % modulus -%}
                {%- set offset = rng.state % modulus -%}
                {%- set round_rel = datong.connected_components_scratch(
                    this, 'round_' ~ round_number) -%}
                {%- set edges_rel = datong.connected_components_scratch(
                    this, 'edges_' ~ round_number) -%}
                {%- for rel in [round_rel, edges_rel] -%}
                    {%- do adapter.drop_relation(rel) -%}
                {%- endfor -%}
                {%- set round_sql -%}
                    with relabelled as (
                        select
                            src,
                            dst,
                            (cast({{ multiplier }} as bigint) * src + cast({{ offset }} as bigint))
                                % cast({{ modulus }} as bigint) as src_label,
                            (cast({{ multiplier }} as bigint) * dst + cast({{ offset }} as bigint))
                                % cast({{ modulus }} as bigint) as dst_label
                        from {{ state.edges }}
                    ),

                    directed as (
                        select src as node, src_label as own_label, dst_label as neighbour_label
                        from relabelled
                        union all
                        select dst as node, dst_label as own_label, src_label as neighbour_label
                        from relabelled
                    )

                    select
                        node,
                        least(min(own_label), min(neighbour_label)) as label
                    from directed
                    group by node
                {%- endset -%}
                {%- do run_query(create_table_as(scratch_temporary, round_rel, round_sql)) -%}
                {%- set contract_sql -%}
                    select distinct
                        least(src_round.label, dst_round.label) as src,
                        greatest(src_round.label, dst_round.label) as dst
                    from {{ state.edges }} as edges
                    inner join {{ round_rel }} as src_round
                        on edges.src = src_round.node
                    inner join {{ round_rel }} as dst_round
                        on edges.dst = dst_round.node
                    where src_round.label <> dst_round.label
                {%- endset -%}
                {%- do run_query(create_table_as(scratch_temporary, edges_rel, contract_sql)) -%}
                {%- do adapter.drop_relation(state.edges) -%}
                {%- set state.edges = edges_rel -%}
                {%- set state.rounds = round_number -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if not state.done -%}
        {{ exceptions.raise_compiler_error(
            this.identifier ~ ": connected components did not converge in "
            ~ max_rounds ~ " rounds"
        ) }}
    {%- endif -%}
    {{ log(this.identifier ~ ": connected components converged in " ~ state.rounds
        ~ " contraction rounds", info=True) }}

    {#- Compose the round maps backwards: the last round's labels are final; a node of round
        i ends where its round-i label ends, or at (i, label) when that label had no edges
        left. Each map is no larger than its round's node set, which shrinks geometrically,
        so composing costs O(n) in all rather than O(n) per round. -#}
    {%- set composed = namespace(rel=none) -%}
    {%- for round_number in range(state.rounds, 0, -1) -%}
        {%- set round_rel = datong.connected_components_scratch(this, 'round_' ~ round_number) -%}
        {%- set composed_rel = datong.connected_components_scratch(
            this, 'final_' ~ round_number) -%}
        {%- do adapter.drop_relation(composed_rel) -%}
        {%- set compose_sql -%}
            select
                round_map.node,
                {%- if composed.rel is none %}
                {{ round_number }} as final_round,
                round_map.label as final_label
                {%- else %}
                coalesce(later.final_round, {{ round_number }}) as final_round,
                coalesce(later.final_label, round_map.label) as final_label
                {%- endif %}
            from {{ round_rel }} as round_map
            {%- if composed.rel is not none %}
            left join {{ composed.rel }} as later
                on round_map.label = later.node
            {%- endif %}
        {%- endset -%}
        {%- do run_query(create_table_as(scratch_temporary, composed_rel, compose_sql)) -%}
        {%- do adapter.drop_relation(round_rel) -%}
        {%- if composed.rel is not none -%}
            {%- do adapter.drop_relation(composed.rel) -%}
        {%- endif -%}
        {%- set composed.rel = composed_rel -%}
    {%- endfor -%}

    {%- set final_sql -%}
        with labelled as (
            select
                nodes.node_id,
                {%- if composed.rel is none %}
                0 as final_round,
                nodes.node_number as final_label
                {%- else %}
                coalesce(composed.final_round, 0) as final_round,
                coalesce(composed.final_label, nodes.node_number) as final_label
                {%- endif %}
            from {{ nodes_rel }} as nodes
            {%- if composed.rel is not none %}
            left join {{ composed.rel }} as composed
                on nodes.node_number = composed.node
            {%- endif %}
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
            {{ state.rounds }} as contraction_rounds
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

    {%- set leftovers = [input_rel, nodes_rel, state.edges] -%}
    {%- if composed.rel is not none -%}{%- do leftovers.append(composed.rel) -%}{%- endif -%}
    {%- for rel in leftovers -%}
        {%- do adapter.drop_relation(rel) -%}
    {%- endfor -%}

    {{ run_hooks(post_hooks) }}
    {%- do adapter.commit() -%}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
