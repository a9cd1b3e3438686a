{#- The smallest of a set of rows compared field by field, in the order given, as one
    aggregate: `min_struct([('priority', 'priority'), ('identifier_id', 'identifier_id')])`
    returns a struct whose fields (`.priority`, `.identifier_id`) come from one row, the first
    in that order. A group by with it does the work of `row_number() ... = 1` over the same
    partition without sorting every row. -#}
{% macro min_struct(fields) -%}
    min({{ datong.struct_of(fields) }})
{%- endmacro %}
