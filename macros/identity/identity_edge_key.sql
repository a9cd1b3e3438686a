{#- A piece of identity evidence is keyed by five of its columns. The tables of evidence hold
    the columns, not a concatenated id: at 1M persons that id is a 150-character string on
    each of 7.2M rows, written twice (docs/scale.md, "Evidence keyed by its columns"). -#}

{#- The key columns, in the order of the readable id. -#}
{% macro identity_edge_key_columns() -%}
    {{ return(['link_rule', 'source_model', 'source_record_id', 'identifier_a_id',
        'identifier_b_id']) }}
{%- endmacro %}

{#- The readable id of the evidence of relation alias `alias`:
    `<link_rule>|<source_model>|<source_record_id>|<identifier_a_id>|<identifier_b_id>`. -#}
{% macro identity_edge_id(alias) -%}
    {%- set parts = [] -%}
    {%- for column in datong.identity_edge_key_columns() -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append(alias ~ '.' ~ column) -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{#- The join condition of two relations of evidence on their key (every key column is not
    null, so plain equality is exact). -#}
{% macro identity_edges_match(left, right) -%}
    {%- for column in datong.identity_edge_key_columns() -%}
        {%- if not loop.first %} and {% endif -%}
        {{ left }}.{{ column }} = {{ right }}.{{ column }}
    {%- endfor -%}
{%- endmacro %}

{#- The key columns, comma-separated, for a select list, a `group by` or a `partition by`;
    qualified by relation alias `alias` when one is given. -#}
{% macro identity_edge_key(alias=none) -%}
    {%- for column in datong.identity_edge_key_columns() -%}
        {%- if not loop.first %}, {% endif -%}
        {%- if alias is not none %}{{ alias }}.{% endif %}{{ column }}
    {%- endfor -%}
{%- endmacro %}
