{% macro previous_identity_mapping() -%}
    {#- The identifier -> customer mapping of the previous build, as a subquery
        (`identifier_id`, `customer_id`): the rows of int_identifiers_resolved that name a
        customer. That model runs after the identity models that read this, so until it is
        rebuilt its table holds the previous build; it is read without ref() because a ref
        would be a cycle. The latest row per identifier of
        int_identity_customer_changes_historized holds the same mapping, but takes a window
        over the whole history. Empty on the first build (no table yet) and in unit tests,
        which override it with a fixture subquery. -#}
    {%- set found = namespace(relation=none) -%}
    {%- if execute -%}
        {%- for node in (graph.get('nodes') or {}).values()
            if node.resource_type == 'model'
            and node.name == 'int_identifiers_resolved' -%}
            {%- set found.relation = adapter.get_relation(
                database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if found.relation is none -%}
        (
            select
                cast(null as {{ dbt.type_string() }}) as identifier_id,
                cast(null as {{ dbt.type_string() }}) as customer_id
            where 1 = 0
        )
    {%- else -%}
        (
            select
                identifier_id,
                customer_id
            from {{ found.relation }}
            where customer_id is not null
        )
    {%- endif -%}
{%- endmacro %}
