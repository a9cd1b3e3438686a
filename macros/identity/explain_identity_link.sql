{#- The chain of evidence that makes two identifiers one customer: a query returning, in order
    from identifier_a to identifier_b, each piece of kept evidence on a shortest path between
    them (step, the two identifiers, the rule, the source record, when it was seen). Empty
    when they are different customers. `evidence` is the relation of kept evidence,
    `ref('int_identity_evidence_resolved')`. The macro reads the evidence of the one customer
    (a few dozen rows) and walks it breadth-first, so it needs no recursive SQL; the query it
    returns finds the path's evidence by its key columns among that customer's rows alone:

        dbt show --inline "{{ datong.explain_identity_link(
            'phone:global:<pseudonym>', 'openid:<appid>:<pseudonym>',
            ref('int_identity_evidence_resolved')) }}"
-#}
{% macro explain_identity_link(identifier_a, identifier_b, evidence) -%}
    {%- set path = [] -%}
    {%- if execute -%}
        {%- set key_columns = datong.identity_edge_key_columns() -%}
        {%- set customer_edges_sql -%}
            select
                {{ datong.identity_edge_id('evidence') }} as edge_id,
                evidence.customer_id,
                {{ datong.identity_edge_key('evidence') }}
            from {{ evidence }} as evidence
            where evidence.customer_id in (
                select customer_id from {{ evidence }}
                where identifier_a_id = '{{ identifier_a }}'
                    or identifier_b_id = '{{ identifier_a }}'
            )
            order by edge_id
        {%- endset -%}
        {%- set rows = run_query(customer_edges_sql).rows -%}
        {%- set customer = namespace(id=none) -%}
        {%- set keys = {} -%}
        {%- set neighbours = {} -%}
        {%- for row in rows -%}
            {%- set customer.id = row[1] -%}
            {%- set key = {} -%}
            {%- for column in key_columns -%}{%- do key.update({column: row[loop.index + 1]}) -%}{%- endfor -%}
            {%- do keys.update({row[0]: key}) -%}
            {%- do neighbours.setdefault(key['identifier_a_id'], []).append([key['identifier_b_id'], row[0]]) -%}
            {%- do neighbours.setdefault(key['identifier_b_id'], []).append([key['identifier_a_id'], row[0]]) -%}
        {%- endfor -%}
        {%- set reached = {identifier_a: none} -%}
        {%- set frontier = [identifier_a] -%}
        {#- Breadth-first, level by level; a component is at most a few dozen nodes. -#}
        {%- for level in range(rows | length + 1) -%}
            {%- if frontier | length > 0 and identifier_b not in reached -%}
                {%- set next_frontier = [] -%}
                {%- for node in frontier -%}
                    {%- for pair in neighbours.get(node, []) -%}
                        {%- if pair[0] not in reached -%}
                            {%- do reached.update({pair[0]: [node, pair[1]]}) -%}
                            {%- do next_frontier.append(pair[0]) -%}
                        {%- endif -%}
                    {%- endfor -%}
                {%- endfor -%}
                {%- do frontier.clear() -%}
                {%- do frontier.extend(next_frontier) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if identifier_b in reached and identifier_a != identifier_b -%}
            {%- set walker = namespace(node=identifier_b) -%}
            {%- for step in range(reached | length) -%}
                {%- if reached[walker.node] is not none -%}
                    {%- do path.insert(0, reached[walker.node][1]) -%}
                    {%- set walker.node = reached[walker.node][0] -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {#- The path's evidence by its key columns, among the one customer's rows only. -#}
    with path_steps as (
        {%- for edge_id in path %}
        select {{ loop.index }} as step
            {%- for column in datong.identity_edge_key_columns() -%}
            , '{{ keys[edge_id][column] }}' as {{ column }}
            {%- endfor %}
        {%- if not loop.last %} union all{% endif %}
        {%- else %}
        select 0 as step
            {%- for column in datong.identity_edge_key_columns() -%}
            , cast(null as {{ dbt.type_string() }}) as {{ column }}
            {%- endfor %}
        {%- endfor %}
    ),

    customer_evidence as (
        select * from {{ evidence }}
        where customer_id = {% if path %}'{{ customer.id }}'{% else %}cast(null as {{ dbt.type_string() }}){% endif %}
    )

    select
        path_steps.step,
        customer_evidence.identifier_a_id,
        customer_evidence.identifier_b_id,
        customer_evidence.link_rule,
        customer_evidence.source_model,
        customer_evidence.source_record_id,
        customer_evidence.context_record_id,
        customer_evidence.seen_at
    from path_steps
    inner join customer_evidence
        on {{ datong.identity_edges_match('path_steps', 'customer_evidence') }}
    order by path_steps.step
{%- endmacro %}
