{#- The contraction rounds of the `connected_components` materialization over the edge list
    `input_rel` (`node_a`, `node_b`). Returns `labelled_sql`, a select of one row per node
    (`node_id`, `final_round`, `final_label`, and the node's fingerprint when `fingerprints`)
    in which (final round, final label) names the node's component; `rounds`, the number of
    contraction rounds; and `leftovers`, the scratch tables `labelled_sql` reads, for the
    caller to drop once it has used them. -#}
{% macro connected_components_solve(input_rel, scratch_temporary, fingerprints=false) %}
    {%- set modulus = 2147483647 -%}
    {%- set max_rounds = config.get('max_rounds', 64) | int -%}
    {%- set rng = namespace(state=(config.get('components_seed', 20240601) | int) % modulus) -%}
    {%- if rng.state == 0 -%}{%- set rng.state = 1 -%}{%- endif -%}

    {%- set nodes_rel = datong.connected_components_scratch(this, 'nodes') -%}
    {%- do adapter.drop_relation(nodes_rel) -%}
    {%- do run_query(create_table_as(
        scratch_temporary, nodes_rel,
        datong.connected_components_nodes_sql(input_rel, fingerprints=fingerprints))) -%}

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

    {%- set labelled_sql -%}
        select
            nodes.node_id,
            {%- if fingerprints %}
            nodes.node_edge_count,
            nodes.node_edge_checksum,
            {%- endif %}
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
    {%- endset -%}

    {%- set leftovers = [nodes_rel, state.edges] -%}
    {%- if composed.rel is not none -%}{%- do leftovers.append(composed.rel) -%}{%- endif -%}
    {{ return({'labelled_sql': labelled_sql, 'rounds': state.rounds, 'leftovers': leftovers}) }}
{% endmacro %}
