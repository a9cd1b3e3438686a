{#
    Fails for every combination of the given columns of the model that has no row in `to`
    with the same values in the same columns (a composite foreign key). Rows with a null in
    any of the columns are not checked, as in `relationships`.
#}
{% test relationships_of_columns(model, columns, to) %}

with

children as (
    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where
        {% for column in columns -%}
            {%- if not loop.first %} and {% endif -%}{{ column }} is not null
        {%- endfor %}
),

{# Not deduplicated: a parent found twice still matches, and only unmatched children are
    returned. #}
parents as (
    select {{ columns | join(', ') }}
    from {{ to }}
),

orphans as (
    select children.*
    from children
    left join parents
        on
            {% for column in columns -%}
                {%- if not loop.first %} and {% endif -%}
                children.{{ column }} = parents.{{ column }}
            {%- endfor %}
    where parents.{{ columns[0] }} is null
)

select * from orphans

{% endtest %}
