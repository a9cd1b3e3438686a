{#- The scratch table `<model>__cc_<name>` beside the model, used by the
    connected_components materialization between rounds. -#}
{% macro connected_components_scratch(model_relation, name) -%}
    {{ return(api.Relation.create(
        database=model_relation.database,
        schema=model_relation.schema,
        identifier=model_relation.identifier ~ '__cc_' ~ name,
        type='table'
    )) }}
{%- endmacro %}
