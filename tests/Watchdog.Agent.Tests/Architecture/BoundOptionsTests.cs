using System.Reflection;
using System.Runtime.CompilerServices;

namespace Watchdog.Agent.Tests.Architecture;

/// <summary>
/// The configuration binding source generator (on in every build, for Native AOT) binds a property only through a
/// public <c>set</c>: an <c>init</c> accessor on a type it creates with <c>new T()</c> is skipped without a word, and
/// that key would silently keep its default. Positional records are created through their constructor and may keep
/// <c>init</c> on the constructor's parameters.
/// </summary>
public class BoundOptionsTests
{
    [Fact]
    public void No_option_the_configuration_binds_has_an_init_only_setter()
    {
        var offenders = new List<string>();
        var seen = new HashSet<Type>();
        // AgentSettings is assembled by AgentSettings.Bind, one section at a time; its sections are what is bound.
        foreach (var section in typeof(AgentSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            Walk(section.PropertyType, seen, offenders);

        Assert.True(seen.Count > 20, $"only {seen.Count} options types were reached: the walk is broken");
        Assert.True(offenders.Count == 0, "init-only options properties (use set): " + string.Join(", ", offenders));
    }

    private static void Walk(Type type, HashSet<Type> seen, List<string> offenders)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments()) Walk(argument, seen, offenders);
            return;
        }
        if (type.IsArray)
        {
            Walk(type.GetElementType()!, seen, offenders);
            return;
        }
        if (type.Namespace?.StartsWith("Watchdog", StringComparison.Ordinal) != true || type.IsEnum || !seen.Add(type)) return;
        var createdWithNew = type.GetConstructor(Type.EmptyTypes) is not null;
        var constructorParameters = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var initOnly = property.SetMethod?.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) == true;
            if (initOnly && (createdWithNew || !constructorParameters.Contains(property.Name)))
                offenders.Add($"{type.Name}.{property.Name}");
            Walk(property.PropertyType, seen, offenders);
        }
    }
}
