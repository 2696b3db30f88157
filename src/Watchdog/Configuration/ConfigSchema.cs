using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Watchdog.Agent;

namespace Watchdog.Configuration;

/// <summary>
/// Every key the agent reads, derived by reflection from the options types (so it cannot drift from them):
/// which keys exist, which type each leaf has, and the closest known key for a typo.
/// </summary>
public sealed class ConfigSchema
{
    private readonly Node _root;

    private ConfigSchema(Node root) => _root = root;

    /// <summary>The agent's schema: the sections of <see cref="AgentSettings"/>, the State section, and the <c>…File</c> secret keys.</summary>
    public static ConfigSchema Agent { get; } = Create();

    private static ConfigSchema Create()
    {
        var root = Node.For(typeof(AgentSettings));
        root.Children["State"] = Node.For(typeof(Watchdog.Agent.State.StateOptions));
        foreach (var key in ConfigLoader.SecretKeys)
        {
            var parts = key.Split(':');
            var parent = parts[..^1].Aggregate(root, (n, p) => n.Children[p]);
            parent.Children[parts[^1] + "File"] = new Node(typeof(string));
        }
        return new ConfigSchema(root);
    }

    /// <summary>What a configuration key is, or null when the agent does not know it.</summary>
    public Node? Find(string key)
    {
        var node = _root;
        foreach (var part in key.Split(':'))
        {
            if (node.IsOpen) return node.Element;
            if (node.Element is { } element && int.TryParse(part, out _))
            {
                node = element;
                continue;
            }
            if (!node.Children.TryGetValue(part, out var child)) return null;
            node = child;
        }
        return node;
    }

    /// <summary>The first unknown part of <paramref name="key"/> with the closest known name, or null when the key is known.</summary>
    public (string Unknown, string? Suggestion)? Check(string key)
    {
        var node = _root;
        var path = new List<string>();
        foreach (var part in key.Split(':'))
        {
            if (node.IsOpen) return null;
            if (node.Element is { } element && int.TryParse(part, out _))
            {
                node = element;
                path.Add(part);
                continue;
            }
            if (!node.Children.TryGetValue(part, out var child))
            {
                var prefix = path.Count > 0 ? string.Join(':', path) + ":" : "";
                var close = Cli.Suggest.Closest(part, node.Children.Keys);
                return (prefix + part, close is null ? null : prefix + close);
            }
            node = child;
            path.Add(part);
        }
        return null;
    }

    /// <summary>One key: a leaf of <see cref="Type"/>, an object with <see cref="Children"/>, a list of <see cref="Element"/>, or an open map.</summary>
    public sealed class Node([DynamicallyAccessedMembers(Node.Reflected)] Type type)
    {
        /// <summary>The CLR type bound at this key (the element type for lists).</summary>
        [DynamicallyAccessedMembers(Reflected)]
        public Type Type { get; } = type;

        /// <summary>Named children of an object (case-insensitive, as the binder is).</summary>
        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The items of a list (keys 0, 1, …), or the values of a map.</summary>
        public Node? Element { get; private set; }

        /// <summary>A dictionary: any child name is allowed.</summary>
        public bool IsOpen { get; private set; }

        /// <summary>A single value (string, number, bool, duration, enum).</summary>
        public bool IsLeaf => Children.Count == 0 && Element is null && IsScalar(Type);

        /// <summary>The default of this property in a fresh options object, as text; null when it has none.</summary>
        public string? DefaultText { get; private set; }

        /// <summary>What reflection reads of an options type: its properties, its defaults and whether it is a list or map.</summary>
        internal const DynamicallyAccessedMemberTypes Reflected =
            DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.Interfaces;

        // The property and element types reached from AgentSettings cannot carry the annotation. They are the
        // options records of Watchdog.Agent and Watchdog.Ami, which a trimmed or Native AOT publish keeps whole
        // (TrimmerRootAssembly in Watchdog.csproj), and framework scalars and collections that are used anyway.
        [UnconditionalSuppressMessage("Trimming", "IL2062", Justification = "Options assemblies are rooted (Watchdog.csproj).")]
        [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Options assemblies are rooted (Watchdog.csproj).")]
        internal static Node For([DynamicallyAccessedMembers(Reflected)] Type type, HashSet<Type>? seen = null)
        {
            var node = new Node(type);
            if (IsScalar(type)) return node;
            seen ??= [];
            if (!seen.Add(type)) return node;
            if (Dictionary(type) is { } valueType)
            {
                node.IsOpen = true;
                node.Element = For(valueType, seen);
            }
            else if (type != typeof(string) && Enumerable(type) is { } elementType)
            {
                node.Element = For(elementType, seen);
            }
            else
            {
                object? defaults = null;
                try
                {
                    defaults = type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null;
                }
                catch (TargetInvocationException)
                {
                    // No usable defaults: the keys are still known.
                }
                foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (p.GetIndexParameters().Length > 0 || (p.SetMethod is not { IsPublic: true } && !IsCollection(p.PropertyType))) continue;
                    var child = For(p.PropertyType, seen);
                    if (defaults is not null && IsScalar(p.PropertyType)) child.DefaultText = Text(p.GetValue(defaults));
                    node.Children[p.Name] = child;
                }
            }
            seen.Remove(type);
            return node;
        }

        private static string? Text(object? value) => value switch
        {
            null => null,
            TimeSpan t => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };

        private static bool IsCollection(Type t) => t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t);

        internal static bool IsScalar(Type t)
        {
            t = System.Nullable.GetUnderlyingType(t) ?? t;
            return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(DateTimeOffset)
                || t == typeof(DateTime) || t == typeof(Uri) || t == typeof(Guid);
        }

        private static Type? Enumerable([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.Interfaces)] Type t)
        {
            if (t.IsArray) return t.GetElementType();
            return t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        }

        private static Type? Dictionary([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.Interfaces)] Type t) =>
            t.GetInterfaces().Append(t).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() is var g
                && (g == typeof(IDictionary<,>) || g == typeof(IReadOnlyDictionary<,>)))?.GetGenericArguments()[1];
    }
}
