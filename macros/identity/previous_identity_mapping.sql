{% macro previous_identity_mapping() -%}
    {#- The identifier -> customer mapping of the previous build, as a subquery
        (`identifier_id`, `customer_id`): the latest row of each identifier in
        int_identity_customer_changes_historized that still names a customer. That model runs
        after the identity models that read this, so until it is rebuilt its table holds the
        previous build; it is read without ref() because a ref would be a cycle. Empty on the
        first build (no table yet) and in unit tests, which override it with a fixture subquery. -#}
    {%- set found = namespace(relation=none) -%}
    {%- if execute -%}
        {%- for node in (graph.get('nodes') or {}).values()
            if node.resource_type == 'model'
            and node.name == 'int_identity_customer_changes_historized' -%}
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
            from (
                select
                    identifier_id,
                    customer_id,
                    {#- One row per identifier and build (customer_change_id is unique):
                        one sort key, which DuckDB takes by an aggregate. #}
                    row_number() over (
                        partition by identifier_id order by changed_at desc
                    ) as change_rank
                from {{ found.relation }}
            ) as latest_changes
            where change_rank = 1 and customer_id is not null
        )
    {%- endif -%}
{%- endmacro %}
