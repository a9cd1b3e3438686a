{#- The scratch table `<model>__cc_<name>` that the connected_components materialization
    writes between contraction rounds. On DuckDB it is a temporary table of the build's
    connection: never compressed, written to the warehouse file or checkpointed, and gone
    when the connection closes, even after a failed build (docs/identity.md). Elsewhere it is
    a table beside the model, dropped at the end. -#}
{% macro connected_components_scratch(model_relation, name) -%}
    {{ return(adapter.dispatch('connected_components_scratch', 'datong')(model_relation, name)) }}
{%- endmacro %}

{% macro default__connected_components_scratch(model_relation, name) -%}
    {{ return(api.Relation.create(
        database=model_relation.database,
        schema=model_relation.schema,
        identifier=model_relation.identifier ~ '__cc_' ~ name,
        type='table'
    )) }}
{%- endmacro %}

{% macro duckdb__connected_components_scratch(model_relation, name) -%}
    {{ return(api.Relation.create(
        database='temp',
        schema='main',
        identifier=model_relation.identifier ~ '__cc_' ~ name,
        type='table'
    )) }}
{%- endmacro %}

{#- Whether the scratch tables are created as temporary tables (see above). -#}
{% macro connected_components_scratch_is_temporary() -%}
    {{ return(adapter.dispatch('connected_components_scratch_is_temporary', 'datong')()) }}
{%- endmacro %}

{% macro default__connected_components_scratch_is_temporary() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__connected_components_scratch_is_temporary() -%}
    {{ return(true) }}
{%- endmacro %}
