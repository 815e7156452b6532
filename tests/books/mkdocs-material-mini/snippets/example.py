# --8<-- [start:body]
def greet(name):
    return f"hello {name}"
# --8<-- [end:body]

print(greet("world"))
